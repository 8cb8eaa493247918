/**
 * The task page: a web page, like Celery's Flower, that shows workers, throughput, the
 * latest tasks and dead letters from the {@code kafkatasks} actuator endpoint.
 */
@NullMarked
package dev.kafkatask.page;

import org.jspecify.annotations.NullMarked;

/**
 * The RabbitMQ leg: publishing and consuming tasks in Celery's message protocol 2.
 */
@NullMarked
package dev.kafkatask.rabbit;

import org.jspecify.annotations.NullMarked;

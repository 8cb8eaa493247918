/**
 * Routing each dispatch to Kafka or RabbitMQ by rules that change at runtime.
 */
@NullMarked
package dev.kafkatask.routing;

import org.jspecify.annotations.NullMarked;

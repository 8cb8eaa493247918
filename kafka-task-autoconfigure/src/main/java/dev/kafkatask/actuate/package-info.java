/**
 * Actuator support: the {@code kafkatasks} endpoint and the health of the worker, of the
 * Kafka and RabbitMQ legs and of each RabbitMQ queue's consumer.
 */
@NullMarked
package dev.kafkatask.actuate;

import org.jspecify.annotations.NullMarked;

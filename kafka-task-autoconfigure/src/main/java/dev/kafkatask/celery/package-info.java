/**
 * Celery's own wire format: task messages in Celery message protocol version 2 with the
 * JSON serializer, as Celery workers and clients exchange them over RabbitMQ.
 */
@NullMarked
package dev.kafkatask.celery;

import org.jspecify.annotations.NullMarked;

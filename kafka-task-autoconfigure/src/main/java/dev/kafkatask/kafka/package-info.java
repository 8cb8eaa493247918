/**
 * The Kafka transport: topics per queue, publishing and provisioning.
 */
@NullMarked
package dev.kafkatask.kafka;

import org.jspecify.annotations.NullMarked;

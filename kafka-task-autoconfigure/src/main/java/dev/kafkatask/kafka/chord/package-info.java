/**
 * Chords on Kafka: workers report the members that finished to a topic keyed by group id,
 * and the chord joiner counts them and fires each callback once, in a Kafka transaction.
 */
@NullMarked
package dev.kafkatask.kafka.chord;

import org.jspecify.annotations.NullMarked;

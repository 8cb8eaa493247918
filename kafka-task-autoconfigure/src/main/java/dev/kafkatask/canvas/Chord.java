package dev.kafkatask.canvas;

/**
 * A group and a callback: once every member of the group succeeded, the callback runs once,
 * with the list of their results, in the group's order, as its first argument (unless it is
 * immutable). If a member fails for good, the callback does not run and its error links do,
 * with the callback's id. Celery's {@code chord}, without {@code chord_unlock}: the members
 * are counted in Kafka by the workers' chord joiner, which writes the callback in the same
 * Kafka transaction that records the chord as done, so that it is enqueued exactly once,
 * also when members finish on different workers and a worker dies.
 *
 * @param header the group
 * @param callback the callback
 * @author kafka-task
 * @see Canvas#chord
 */
public record Chord(Group header, Signature callback) implements Canvas {

}

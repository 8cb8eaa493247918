package dev.kafkatask.kafka.chord;

/**
 * The topics of chords.
 *
 * @param members where workers report the members that finished, keyed by group id
 * @param done the chords that were fired, keyed by group id, compacted, one partition for
 * each partition of {@code members}
 * @author kafka-task
 */
public record ChordTopics(String members, String done) {

	/**
	 * Return the topics of a topic prefix: {@code <prefix>__chord} and
	 * {@code <prefix>__chord.done}.
	 * @param prefix the topic prefix
	 * @return the topics
	 */
	public static ChordTopics of(String prefix) {
		return new ChordTopics(prefix + "__chord", prefix + "__chord.done");
	}

}

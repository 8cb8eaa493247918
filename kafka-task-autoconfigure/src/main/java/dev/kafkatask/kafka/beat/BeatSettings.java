package dev.kafkatask.kafka.beat;

import java.time.Duration;

/**
 * Settings of a {@link Beat}, apart from its runtime state.
 *
 * @param groupId the consumer group whose owner of the leader topic leads
 * @param leaderTopic the one-partition topic whose assignment is leadership
 * @param stateTopic the compacted topic of the last fired slot of each schedule
 * @param sendTimeout how long the dispatch of a slot's task, and the record of the slot,
 * may wait for the broker
 * @param sessionTimeout the session timeout of the election's consumer: how long a crashed
 * leader keeps its leadership
 * @author kafka-task
 */
public record BeatSettings(String groupId, String leaderTopic, String stateTopic, Duration sendTimeout,
		Duration sessionTimeout) {

	/**
	 * The session timeout of the election's consumer unless set otherwise.
	 */
	public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Return the settings of a worker group's beat: group {@code <group>.beat}, topics
	 * {@code <prefix>__beat.leader} and {@code <prefix>__beat.state} (kafka-task's own
	 * topics, like {@code __replies}, so that no queue's topic clashes with them).
	 * @param workerGroup the worker group
	 * @param topicPrefix the topic prefix of the application
	 * @return the settings
	 */
	public static BeatSettings of(String workerGroup, String topicPrefix) {
		return new BeatSettings(workerGroup + ".beat", topicPrefix + "__beat.leader", topicPrefix + "__beat.state",
				Duration.ofSeconds(10), DEFAULT_SESSION_TIMEOUT);
	}

	/**
	 * Return these settings with another session timeout.
	 * @param sessionTimeout the session timeout of the election's consumer
	 * @return the settings
	 */
	public BeatSettings withSessionTimeout(Duration sessionTimeout) {
		return new BeatSettings(this.groupId, this.leaderTopic, this.stateTopic, this.sendTimeout, sessionTimeout);
	}

}

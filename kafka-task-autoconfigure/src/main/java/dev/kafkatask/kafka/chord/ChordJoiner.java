package dev.kafkatask.kafka.chord;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;

import dev.kafkatask.canvas.SignatureMessage;
import dev.kafkatask.codec.InvalidEnvelopeException;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;
import dev.kafkatask.supervision.SupervisedThread;

/**
 * Counts the members of chords and fires each chord's callback once. Workers report each
 * member that finished to the members topic, keyed by the chord's group id; the joiners of
 * the application's instances share that topic's partitions in a consumer group
 * ({@code <group>.chord}), so each chord is counted by one joiner. When the last member
 * succeeded, the joiner writes the callback (with the results in the group's order) to its
 * queue's topic, marks the chord done in the compacted done topic and commits its offsets,
 * all in one Kafka transaction; when a member failed, it writes the callback's error links
 * instead. A member reported twice (it ran twice after a worker died) counts once.
 * <p>
 * Exactly once, across crashes and rebalances: a joiner that takes a partition over first
 * reads which chords of it are done (the done topic, read-committed), then the reports from
 * the committed offset, which stays at the first report of any chord not done yet; it fires
 * nothing until it has read to where the partition ended when it got it. A joiner that lost
 * its partition but did not notice is fenced: its transaction's offsets no longer commit
 * (its consumer group generation is stale), so its transaction, and the callback in it, is
 * aborted. Workers read task topics read-committed, so an aborted callback never runs.
 * <p>
 * It runs on a {@link SupervisedThread} ({@code chord}): a failure is counted and the
 * consumer and producer made anew.
 *
 * @author kafka-task
 */
public class ChordJoiner implements SmartLifecycle {

	/**
	 * The name of its thread in {@code kafka.task.background.failures}.
	 */
	public static final String THREAD = "chord";

	private static final Log logger = LogFactory.getLog(ChordJoiner.class);

	private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

	private static final int MAX_DONE_PER_TRANSACTION = 200;

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final ConsumerFactory<String, byte[]> doneReaderFactory;

	private final Supplier<Producer<String, byte[]>> producerFactory;

	private final ChordTopics topics;

	private final ChordCallbacks callbacks;

	private final JsonMapper mapper;

	private final TaskObserver observer;

	private final Clock clock;

	private final Duration doneRetention;

	private final SupervisedThread thread;

	/**
	 * The chords of each assigned partition; only the joiner's thread uses it.
	 */
	private final Map<Integer, PartitionChords> partitions = new HashMap<>();

	private @Nullable Consumer<String, byte[]> consumer;

	private @Nullable Producer<String, byte[]> producer;

	private volatile int openChords;

	private volatile boolean running;

	private boolean autoStartup = true;

	/**
	 * Create a joiner.
	 * @param consumerFactory creates the consumer of the members topic, in the joiners'
	 * group, read-committed
	 * @param doneReaderFactory creates the consumer that reads the done topic (no group,
	 * read-committed)
	 * @param producerFactory creates the transactional producer
	 * @param topics the chord topics
	 * @param callbacks writes callbacks and error links
	 * @param mapper reads the reports
	 * @param observer told of failures and of the callbacks enqueued
	 * @param clock the clock
	 * @param doneRetention how long a done chord is remembered: a member of it reported later
	 * (it ran again) is ignored for that long
	 */
	public ChordJoiner(ConsumerFactory<String, byte[]> consumerFactory,
			ConsumerFactory<String, byte[]> doneReaderFactory, Supplier<Producer<String, byte[]>> producerFactory,
			ChordTopics topics, ChordCallbacks callbacks, JsonMapper mapper, TaskObserver observer, Clock clock,
			Duration doneRetention) {
		this.consumerFactory = consumerFactory;
		this.doneReaderFactory = doneReaderFactory;
		this.producerFactory = producerFactory;
		this.topics = topics;
		this.callbacks = callbacks;
		this.mapper = mapper;
		this.observer = observer;
		this.clock = clock;
		this.doneRetention = doneRetention;
		this.thread = new SupervisedThread(THREAD, "kafka-task-chord", new Loop(), observer);
	}

	/**
	 * Return how many chords this joiner counts now, not done yet.
	 * @return the open chords
	 */
	public int openChords() {
		return this.openChords;
	}

	/**
	 * Return the status of the joiner's thread.
	 * @return the status
	 */
	public SupervisedThread.Status status() {
		return this.thread.status();
	}

	/**
	 * Set whether the joiner starts with the application context.
	 * @param autoStartup whether it does, {@code true} by default
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public void start() {
		this.running = true;
		this.thread.start();
	}

	@Override
	public void stop() {
		this.running = false;
		this.thread.stop(Duration.ofSeconds(10));
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void iterate() {
		Consumer<String, byte[]> members = this.consumer;
		if (members == null) {
			members = this.consumerFactory.createConsumer(null, "kafka-task-chord", null);
			this.consumer = members;
			members.subscribe(List.of(this.topics.members()), new Rebalance(members));
		}
		for (ConsumerRecord<String, byte[]> record : members.poll(POLL_TIMEOUT)) {
			PartitionChords chords = this.partitions.get(record.partition());
			if (chords != null) {
				chords.report(record);
			}
		}
		fire(members);
		this.openChords = this.partitions.values().stream().mapToInt((chords) -> chords.open.size()).sum();
	}

	/**
	 * Fire the chords that are done, on partitions read up to where they ended when this
	 * joiner got them, in one transaction with the offsets.
	 */
	private void fire(Consumer<String, byte[]> members) {
		List<OpenChord> done = new ArrayList<>();
		Map<OpenChord, Integer> partitionOf = new HashMap<>();
		for (Map.Entry<Integer, PartitionChords> entry : this.partitions.entrySet()) {
			PartitionChords chords = entry.getValue();
			if (members.position(chords.partition) < chords.readUpTo) {
				continue;
			}
			for (OpenChord chord : chords.open.values()) {
				if (chord.isDone() && done.size() < MAX_DONE_PER_TRANSACTION) {
					done.add(chord);
					partitionOf.put(chord, entry.getKey());
				}
			}
		}
		if (done.isEmpty()) {
			return;
		}
		Producer<String, byte[]> transactions = transactions();
		List<Fired> fired = new ArrayList<>();
		Map<OpenChord, Future<RecordMetadata>> callbacksSent = new HashMap<>();
		transactions.beginTransaction();
		try {
			for (OpenChord chord : done) {
				Fired outcome = records(chord);
				for (ProducerRecord<String, byte[]> record : outcome.records) {
					Future<RecordMetadata> sent = transactions.send(record);
					if (outcome.outcome.equals("callback")) {
						callbacksSent.put(chord, sent);
					}
				}
				ObjectNode marker = this.mapper.createObjectNode()
					.put("outcome", outcome.outcome)
					.put("callbackId", chord.callbackId)
					.put("at", this.clock.millis());
				transactions.send(new ProducerRecord<>(this.topics.done(), partitionOf.get(chord), chord.groupId,
						this.mapper.writeValueAsBytes(marker)));
				fired.add(outcome);
			}
			for (OpenChord chord : done) {
				this.partitions.get(partitionOf.get(chord)).open.remove(chord.groupId);
			}
			transactions.sendOffsetsToTransaction(offsets(members), members.groupMetadata());
			transactions.commitTransaction();
		}
		catch (RuntimeException ex) {
			// Undone in memory too: the chords are fired again from their reports, by this
			// joiner or the one that took the partition over.
			abort(transactions);
			callbacksSent.forEach(this::unwritable);
			for (OpenChord chord : done) {
				this.partitions.computeIfPresent(partitionOf.get(chord), (partition, chords) -> {
					chords.open.putIfAbsent(chord.groupId, chord);
					return chords;
				});
			}
			throw ex;
		}
		for (int i = 0; i < done.size(); i++) {
			OpenChord chord = done.get(i);
			Fired outcome = fired.get(i);
			this.partitions.get(partitionOf.get(chord)).remember(chord.groupId, this.clock.millis());
			for (ProducerRecord<String, byte[]> record : outcome.records) {
				this.observer.dispatched(this.callbacks.task(record), this.callbacks.queue(record), Backend.KAFKA,
						Route.DEFAULT_CLUSTER);
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Chord " + chord.groupId + " done (" + outcome.outcome + "): " + chord.finished() + " of "
						+ chord.size + " members succeeded");
			}
		}
	}

	/**
	 * Return the transactional producer, made with the first chord to fire: an application
	 * that has no chords never opens a transaction (nor waits for the brokers' transaction
	 * coordinator, at startup or when it stops).
	 */
	private Producer<String, byte[]> transactions() {
		Producer<String, byte[]> transactions = this.producer;
		if (transactions == null) {
			transactions = this.producerFactory.get();
			this.producer = transactions;
			transactions.initTransactions();
		}
		return transactions;
	}

	/**
	 * Note a callback that the brokers refused for good (too large, for one): its chord's
	 * error links run instead, when the chord is fired again.
	 */
	private void unwritable(OpenChord chord, Future<RecordMetadata> sent) {
		if (!sent.isDone()) {
			return;
		}
		try {
			sent.get();
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof ApiException && !(cause instanceof RetriableException)
					&& !(cause instanceof ProducerFencedException)) {
				logger.error("The callback of chord " + chord.groupId + " [" + chord.callbackId
						+ "] was refused by the brokers; its error links run instead: " + cause);
				chord.failed(chord.callbackId, "The callback could not be written: " + cause);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Return what a chord that is done ends with: its callback, or its callback's error links
	 * if a member failed or the callback cannot be written.
	 */
	private Fired records(OpenChord chord) {
		if (chord.failedTask == null) {
			try {
				return new Fired("callback",
						List.of(this.callbacks.callback(chord.callback, chord.callbackId, chord.results())));
			}
			catch (RuntimeException ex) {
				logger.error("The callback of chord " + chord.groupId + " [" + chord.callbackId
						+ "] cannot be written; its error links run instead: " + ex);
				chord.failed(chord.callbackId, "The callback could not be written: " + ex.getMessage());
			}
		}
		String error = "Member [" + chord.failedTask + "] of chord " + chord.groupId + " failed: " + chord.error;
		try {
			return new Fired("error",
					this.callbacks.errorLinks(chord.callback, chord.callbackId, chord.failedTask, error));
		}
		catch (RuntimeException ex) {
			logger.error("Chord " + chord.groupId + " failed, and the error links of its callback cannot be written;"
					+ " it is done with nothing enqueued: " + ex);
			return new Fired("lost", List.of());
		}
	}

	/**
	 * Return the offsets to commit: each partition's first report of a chord not done yet,
	 * else its position.
	 */
	private Map<TopicPartition, OffsetAndMetadata> offsets(Consumer<String, byte[]> members) {
		Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
		for (PartitionChords chords : this.partitions.values()) {
			long offset = members.position(chords.partition);
			for (OpenChord chord : chords.open.values()) {
				offset = Math.min(offset, chord.firstOffset);
			}
			offsets.put(chords.partition, new OffsetAndMetadata(offset));
		}
		return offsets;
	}

	private static void abort(Producer<String, byte[]> transactions) {
		try {
			transactions.abortTransaction();
		}
		catch (KafkaException ex) {
			// fenced or failed: the producer is made anew
		}
	}

	/**
	 * Read which chords of a partition are done.
	 */
	private Map<String, Long> readDone(int partition) {
		Map<String, Long> done = new LinkedHashMap<>();
		try (Consumer<String, byte[]> reader = this.doneReaderFactory.createConsumer(null, "kafka-task-chord-done",
				null)) {
			int partitions = reader.partitionsFor(this.topics.done()).size();
			if (partition >= partitions) {
				throw new IllegalStateException("Topic '" + this.topics.done() + "' has " + partitions
						+ " partitions, fewer than '" + this.topics.members() + "': give it as many");
			}
			TopicPartition topicPartition = new TopicPartition(this.topics.done(), partition);
			reader.assign(List.of(topicPartition));
			reader.seekToBeginning(List.of(topicPartition));
			long end = reader.endOffsets(List.of(topicPartition)).get(topicPartition);
			while (reader.position(topicPartition) < end) {
				for (ConsumerRecord<String, byte[]> record : reader.poll(POLL_TIMEOUT)) {
					if (record.key() == null) {
						continue;
					}
					if (record.value() == null) {
						done.remove(record.key());
					}
					else {
						done.put(record.key(), record.timestamp());
					}
				}
			}
		}
		return done;
	}

	private void close() {
		Consumer<String, byte[]> members = this.consumer;
		this.consumer = null;
		if (members != null) {
			try {
				members.close(Duration.ofSeconds(5));
			}
			catch (RuntimeException ex) {
				logger.debug("Failure closing the chord joiner's consumer", ex);
			}
		}
		Producer<String, byte[]> transactions = this.producer;
		this.producer = null;
		if (transactions != null) {
			try {
				transactions.close(Duration.ofSeconds(5));
			}
			catch (RuntimeException ex) {
				logger.debug("Failure closing the chord joiner's producer", ex);
			}
		}
		this.partitions.clear();
		this.openChords = 0;
	}

	/**
	 * What a chord that is done ends with.
	 */
	private record Fired(String outcome, List<ProducerRecord<String, byte[]>> records) {
	}

	/**
	 * The chords of one partition of the members topic.
	 */
	private final class PartitionChords {

		final TopicPartition partition;

		/**
		 * Where the partition ended when this joiner got it: nothing is fired before the
		 * joiner read that far.
		 */
		final long readUpTo;

		/**
		 * Chords done, with when, oldest first.
		 */
		final LinkedHashMap<String, Long> done;

		final Map<String, OpenChord> open = new LinkedHashMap<>();

		PartitionChords(TopicPartition partition, long readUpTo, Map<String, Long> done) {
			this.partition = partition;
			this.readUpTo = readUpTo;
			this.done = new LinkedHashMap<>(done);
		}

		void report(ConsumerRecord<String, byte[]> record) {
			String groupId = record.key();
			if (groupId == null || record.value() == null || this.done.containsKey(groupId)) {
				return;
			}
			JsonNode report;
			try {
				report = ChordJoiner.this.mapper.readTree(record.value());
			}
			catch (JacksonException ex) {
				logger.warn("Ignoring a chord report that is not JSON at " + describe(record));
				return;
			}
			JsonNode index = report.get("index");
			JsonNode taskId = report.get("taskId");
			JsonNode succeeded = report.get("succeeded");
			JsonNode callbackJson = report.get("callback");
			if (index == null || !index.canConvertToInt() || taskId == null || !taskId.isString()
					|| succeeded == null || !succeeded.isBoolean() || callbackJson == null) {
				logger.warn("Ignoring a malformed chord report at " + describe(record));
				return;
			}
			OpenChord chord = this.open.get(groupId);
			if (chord == null) {
				SignatureMessage callback;
				try {
					callback = SignatureMessage.of(callbackJson);
				}
				catch (InvalidEnvelopeException ex) {
					logger.warn("Ignoring a chord report with an invalid callback at " + describe(record) + ": "
							+ ex.getMessage());
					return;
				}
				if (callback.chordSize() == null || callback.chordSize() < 1) {
					logger.warn("Ignoring a chord report without chord_size at " + describe(record));
					return;
				}
				chord = new OpenChord(groupId, record.offset(), callback, ChordCallbacks.callbackId(callback, groupId),
						callback.chordSize());
				this.open.put(groupId, chord);
			}
			if (index.asInt() < 0 || index.asInt() >= chord.size) {
				logger.warn("Ignoring a chord report whose index is out of its chord at " + describe(record));
				return;
			}
			if (succeeded.asBoolean()) {
				JsonNode result = report.get("result");
				chord.succeeded(index.asInt(), (result != null) ? result : ChordJoiner.this.mapper.nullNode());
			}
			else {
				JsonNode error = report.get("error");
				chord.failed(taskId.asString(), (error != null && error.isString()) ? error.asString() : "unknown");
			}
		}

		void remember(String groupId, long at) {
			this.done.put(groupId, at);
			long oldest = at - ChordJoiner.this.doneRetention.toMillis();
			Iterator<Map.Entry<String, Long>> entries = this.done.entrySet().iterator();
			while (entries.hasNext() && entries.next().getValue() < oldest) {
				entries.remove();
			}
		}

		private String describe(ConsumerRecord<String, byte[]> record) {
			return record.topic() + "-" + record.partition() + "@" + record.offset();
		}

	}

	private final class Rebalance implements ConsumerRebalanceListener {

		private final Consumer<String, byte[]> members;

		Rebalance(Consumer<String, byte[]> members) {
			this.members = members;
		}

		@Override
		public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
			if (assigned.isEmpty()) {
				return;
			}
			Map<TopicPartition, Long> ends = this.members.endOffsets(assigned);
			for (TopicPartition partition : assigned) {
				ChordJoiner.this.partitions.put(partition.partition(),
						new PartitionChords(partition, ends.get(partition), readDone(partition.partition())));
			}
		}

		@Override
		public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
			revoked.forEach((partition) -> ChordJoiner.this.partitions.remove(partition.partition()));
		}

		@Override
		public void onPartitionsLost(Collection<TopicPartition> lost) {
			onPartitionsRevoked(lost);
		}

	}

	private final class Loop implements SupervisedThread.Loop {

		@Override
		public void iterate() {
			ChordJoiner.this.iterate();
		}

		@Override
		public void recover(Throwable failure) {
			ChordJoiner.this.close();
		}

		@Override
		public void wakeUp() {
			Consumer<String, byte[]> members = ChordJoiner.this.consumer;
			if (members != null) {
				members.wakeup();
			}
		}

		@Override
		public void close() {
			ChordJoiner.this.close();
		}

	}

}

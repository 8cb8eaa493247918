package dev.kafkatask.kafka.worker;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.execution.ArgumentBinder;
import dev.kafkatask.execution.DeliveryHandler;
import dev.kafkatask.execution.TaskInvoker;
import dev.kafkatask.execution.TaskRunner;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.options.OptionWhitelist;
import dev.kafkatask.options.TaskOptionResolver;
import dev.kafkatask.options.UnsupportedOptionPolicy;
import dev.kafkatask.task.TaskRegistry;

/**
 * A record handler for tests of a worker's poll loop, in place of the one that decodes and
 * runs tasks: it notes each record it is handed (as {@code topic-partition@offset}) and
 * settles it when the test says so, or at once when settling automatically. A record whose
 * thread is interrupted before it is settled stays unsettled, as with the real handler.
 *
 * @author kafka-task
 */
public final class ScriptedRecordHandler extends TaskRecordHandler {

	private static final TaskTopics TOPICS = new TaskTopics("tasks.");

	private final boolean settleAutomatically;

	private final Map<String, CountDownLatch> releases = new ConcurrentHashMap<>();

	private final List<String> handed = new CopyOnWriteArrayList<>();

	private final List<String> settled = new CopyOnWriteArrayList<>();

	private final List<String> interrupted = new CopyOnWriteArrayList<>();

	private final Set<String> onPlatformThreads = ConcurrentHashMap.newKeySet();

	/**
	 * Create a handler.
	 * @param settleAutomatically whether records settle as soon as they are handed, rather
	 * than when {@link #settle} is called
	 */
	public ScriptedRecordHandler(boolean settleAutomatically) {
		// Its collaborators are never used: handle() is this class's own.
		super(new EnvelopeCodec(), unusedDeliveryHandler(),
				new DeadLetterPublisher(new KafkaTemplate<>(new MockProducerFactory<>(
						() -> new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()))),
						TOPICS),
				TOPICS, null);
		this.settleAutomatically = settleAutomatically;
	}

	@Override
	public void handle(ConsumerRecord<String, byte[]> record, RecordSettled onSettled, BooleanSupplier owned)
			throws InterruptedException {
		String id = id(record);
		if (!Thread.currentThread().isVirtual()) {
			this.onPlatformThreads.add(id);
		}
		this.handed.add(id);
		try {
			release(id).await();
		}
		catch (InterruptedException ex) {
			this.interrupted.add(id);
			throw ex;
		}
		this.settled.add(id);
		onSettled.settled(false, false);
	}

	/**
	 * Settle records now, or as soon as they are handed.
	 * @param ids the records, as {@code topic-partition@offset}
	 */
	public void settle(String... ids) {
		for (String id : ids) {
			release(id).countDown();
		}
	}

	/**
	 * Return the records handed so far, in the order they were handed.
	 * @return the records, as {@code topic-partition@offset}
	 */
	public List<String> handed() {
		return List.copyOf(this.handed);
	}

	/**
	 * Return the records settled so far, in the order they were settled.
	 * @return the records, as {@code topic-partition@offset}
	 */
	public List<String> settled() {
		return List.copyOf(this.settled);
	}

	/**
	 * Return the records whose thread was interrupted before they were settled.
	 * @return the records, as {@code topic-partition@offset}
	 */
	public List<String> interrupted() {
		return List.copyOf(this.interrupted);
	}

	/**
	 * Return the records handled on a platform thread rather than a virtual one.
	 * @return the records, as {@code topic-partition@offset}
	 */
	public Set<String> onPlatformThreads() {
		return Set.copyOf(this.onPlatformThreads);
	}

	private CountDownLatch release(String id) {
		return this.releases.computeIfAbsent(id, (key) -> new CountDownLatch(this.settleAutomatically ? 0 : 1));
	}

	private static String id(ConsumerRecord<String, byte[]> record) {
		return record.topic() + "-" + record.partition() + "@" + record.offset();
	}

	private static DeliveryHandler unusedDeliveryHandler() {
		TaskOptionResolver options = new TaskOptionResolver(OptionWhitelist.standard(), UnsupportedOptionPolicy.REJECT,
				Map.of(), (task) -> Map.of());
		TaskRunner runner = new TaskRunner(new TaskRegistry(),
				new TaskInvoker(new ArgumentBinder(JsonMapper.builder().build())), TaskObserver.NONE, options,
				Clock.systemUTC());
		return new DeliveryHandler(runner, TaskObserver.NONE, Clock.systemUTC());
	}

}

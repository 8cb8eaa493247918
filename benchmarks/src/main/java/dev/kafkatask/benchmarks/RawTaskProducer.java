package dev.kafkatask.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.kafka.TaskHeaders;

/**
 * What feeds the spring-kafka engine in {@code table}: a plain {@link KafkaProducer} that
 * writes each task as kafka-task's dispatcher would (the same envelope JSON, the task id and
 * name headers, the producer settings kafka-task uses: acks {@code all}, idempotence, linger
 * 5 ms), built without {@code TaskDispatcher}: so the comparison sets kafka-task's dispatch
 * and worker against a raw producer and a plain listener.
 *
 * @author kafka-task
 */
final class RawTaskProducer implements TaskSender, AutoCloseable {

	private static final JsonFactory JSON = new JsonFactory();

	private final KafkaProducer<String, byte[]> producer;

	private final String topic;

	private final String queue;

	private final Clock clock;

	/**
	 * Create a producer.
	 * @param bootstrapServers the broker
	 * @param topic the topic of the queue
	 * @param queue the queue, written into each envelope's options
	 */
	RawTaskProducer(String bootstrapServers, String topic, String queue) {
		this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
				ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.CLIENT_ID_CONFIG, "bench-raw-producer"),
				new StringSerializer(), new ByteArraySerializer());
		this.topic = topic;
		this.queue = queue;
		this.clock = Clock.systemUTC();
	}

	@Override
	public CompletableFuture<RecordMetadata> send(String task, List<Long> args) {
		String id = UUID.randomUUID().toString();
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(this.topic,
				envelope(id, task, args, this.queue, this.clock.instant().toString()));
		record.headers().add(TaskHeaders.TASK_ID, id.getBytes(StandardCharsets.UTF_8));
		record.headers().add(TaskHeaders.TASK_NAME, task.getBytes(StandardCharsets.UTF_8));
		CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
		this.producer.send(record, (metadata, failure) -> {
			if (failure != null) {
				acked.completeExceptionally(failure);
			}
			else {
				acked.complete(metadata);
			}
		});
		return acked;
	}

	/**
	 * Write the envelope of a task without options but its queue, as kafka-task's dispatcher
	 * does for a task dispatched with {@code TaskOptions.none()}.
	 * @param id the task id
	 * @param task the task name
	 * @param args the positional arguments
	 * @param queue the queue
	 * @param created when it was created, ISO-8601
	 * @return the JSON bytes
	 */
	static byte[] envelope(String id, String task, List<Long> args, String queue, String created) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(256);
		try (JsonGenerator json = JSON.createGenerator(out)) {
			json.writeStartObject();
			json.writeNumberProperty("v", TaskEnvelope.VERSION);
			json.writeStringProperty("id", id);
			json.writeStringProperty("task", task);
			json.writeArrayPropertyStart("args");
			for (long arg : args) {
				json.writeNumber(arg);
			}
			json.writeEndArray();
			json.writeName("kwargs");
			json.writeStartObject();
			json.writeEndObject();
			json.writeObjectPropertyStart("options");
			json.writeStringProperty("queue", queue);
			json.writeEndObject();
			json.writeName("headers");
			json.writeStartObject();
			json.writeEndObject();
			json.writeStringProperty("created", created);
			json.writeNumberProperty("retries", 0);
			json.writeEndObject();
		}
		return out.toByteArray();
	}

	@Override
	public void close() {
		this.producer.close(Duration.ofSeconds(5));
	}

}

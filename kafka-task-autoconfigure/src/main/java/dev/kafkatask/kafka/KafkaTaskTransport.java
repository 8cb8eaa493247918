package dev.kafkatask.kafka;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import org.springframework.kafka.core.KafkaTemplate;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.OutboundTask;
import dev.kafkatask.dispatch.TaskTransport;
import dev.kafkatask.routing.Backend;

/**
 * {@link TaskTransport} that writes task envelopes to the queue's Kafka topic. It never
 * flushes: the receipt completes from the producer's acknowledgement callback.
 *
 * @author kafka-task
 */
public class KafkaTaskTransport implements TaskTransport {

	private final KafkaTemplate<String, byte[]> template;

	private final TaskTopics topics;

	private final EnvelopeCodec codec;

	public KafkaTaskTransport(KafkaTemplate<String, byte[]> template, TaskTopics topics, EnvelopeCodec codec) {
		this.template = template;
		this.topics = topics;
		this.codec = codec;
	}

	@Override
	public Backend backend() {
		return Backend.KAFKA;
	}

	@Override
	public CompletableFuture<DispatchReceipt> send(OutboundTask task) {
		TaskEnvelope envelope = task.envelope();
		String topic = this.topics.topic(task.queue());
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null, task.key(),
				this.codec.encode(envelope));
		record.headers().add(TaskHeaders.TASK_ID, envelope.id().getBytes(StandardCharsets.UTF_8));
		record.headers().add(TaskHeaders.TASK_NAME, envelope.task().getBytes(StandardCharsets.UTF_8));
		return this.template.send(record).thenApply((result) -> {
			RecordMetadata metadata = result.getRecordMetadata();
			return new DispatchReceipt(envelope.id(), envelope.task(), task.queue(), Backend.KAFKA, metadata.topic(),
					metadata.partition(), metadata.offset());
		});
	}

}

package dev.kafkatask.benchmarks;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.codec.TaskEnvelope;

/**
 * The comparison engine: a plain spring-kafka record listener on Spring Boot's
 * {@code ConcurrentKafkaListenerContainerFactory} ({@code spring.kafka.listener.concurrency} =
 * partitions, default ack mode). It reads the same records kafka-task's dispatcher writes,
 * decodes them with the same codec and calls the same task body.
 *
 * @author kafka-task
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "bench.engine", havingValue = "spring-kafka")
class SpringKafkaEngineConfiguration {

	/**
	 * Id of the listener container.
	 */
	static final String LISTENER_ID = "bench-spring-kafka";

	@Bean
	SpringKafkaTaskListener springKafkaTaskListener(EnvelopeCodec codec, BenchmarkTasks tasks) {
		return new SpringKafkaTaskListener(codec, tasks);
	}

	/**
	 * The listener.
	 */
	static class SpringKafkaTaskListener {

		private final EnvelopeCodec codec;

		private final BenchmarkTasks tasks;

		SpringKafkaTaskListener(EnvelopeCodec codec, BenchmarkTasks tasks) {
			this.codec = codec;
			this.tasks = tasks;
		}

		@KafkaListener(id = LISTENER_ID, topics = "#{'${bench.topics}'.split(',')}", groupId = "${bench.group-id}",
				autoStartup = "${" + BenchmarkApplication.WORKER_AUTO_STARTUP + ":true}")
		void onTask(ConsumerRecord<String, byte[]> record) throws InterruptedException {
			TaskEnvelope envelope = this.codec.decode(record.value());
			int phase = arg(envelope, 0).asInt();
			int id = arg(envelope, 1).asInt();
			switch (envelope.task()) {
				case BenchmarkTasks.IO -> this.tasks.io(phase, id, arg(envelope, 2).asLong());
				case BenchmarkTasks.NOOP -> this.tasks.noop(phase, id);
				default -> throw new IllegalStateException("Unknown task " + envelope.task());
			}
		}

		private static JsonNode arg(TaskEnvelope envelope, int index) {
			return envelope.args().get(index);
		}

	}

}

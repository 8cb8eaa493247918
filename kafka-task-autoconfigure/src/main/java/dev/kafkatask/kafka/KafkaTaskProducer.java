package dev.kafkatask.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The producer kafka-task publishes tasks and dead letters with: string keys, JSON bytes as
 * values, all-replica acknowledgements and idempotence unless configured otherwise. It is
 * kept out of the application context so that it never competes with the application's own
 * {@link KafkaTemplate}.
 *
 * @author kafka-task
 */
public class KafkaTaskProducer implements DisposableBean {

	private final DefaultKafkaProducerFactory<String, byte[]> producerFactory;

	private final KafkaTemplate<String, byte[]> template;

	/**
	 * Create a producer from the given client configuration (connection and security
	 * settings); serializers are always kafka-task's own.
	 * @param configuration the producer configuration
	 */
	public KafkaTaskProducer(Map<String, Object> configuration) {
		this(configuration, (factory) -> {
		});
	}

	/**
	 * Create a producer from the given client configuration, its factory customized (for
	 * example by Spring Boot's {@code DefaultKafkaProducerFactoryCustomizer} beans, which add
	 * the client's meters) before the first producer is made.
	 * @param configuration the producer configuration
	 * @param customizer customizes the producer factory
	 */
	public KafkaTaskProducer(Map<String, Object> configuration,
			Consumer<DefaultKafkaProducerFactory<String, byte[]>> customizer) {
		Map<String, Object> config = new HashMap<>(configuration);
		config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
		config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
		config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		config.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
		config.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
		config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "kafka-task-producer");
		this.producerFactory = new DefaultKafkaProducerFactory<>(config, new StringSerializer(),
				new ByteArraySerializer());
		customizer.accept(this.producerFactory);
		this.template = new KafkaTemplate<>(this.producerFactory);
	}

	/**
	 * Return the template that sends task records.
	 * @return the template
	 */
	public KafkaTemplate<String, byte[]> getTemplate() {
		return this.template;
	}

	@Override
	public void destroy() {
		this.producerFactory.destroy();
	}

}

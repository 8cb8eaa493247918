package dev.kafkatask.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of the health of kafka-task's backends: the Kafka leg
 * ({@code kafkaTaskKafka}), the RabbitMQ leg ({@code kafkaTaskRabbit}) and the consumer of
 * each RabbitMQ queue ({@code kafkaTaskRabbitConsumers}), each of which
 * {@code management.health.<name>.enabled=false} switches off.
 *
 * @author kafka-task
 */
@AutoConfiguration(after = { KafkaAutoConfiguration.class, KafkaTaskKafkaAutoConfiguration.class,
		KafkaTaskRabbitAutoConfiguration.class })
@ConditionalOnClass(AbstractHealthIndicator.class)
@Import({ KafkaLegHealthConfiguration.class, RabbitLegHealthConfiguration.class })
public final class KafkaTaskBackendHealthAutoConfiguration {

}

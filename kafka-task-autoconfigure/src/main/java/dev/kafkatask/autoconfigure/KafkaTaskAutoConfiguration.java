package dev.kafkatask.autoconfigure;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.execution.ArgumentBinder;
import dev.kafkatask.execution.TaskInvoker;
import dev.kafkatask.task.KafkaTaskBeanPostProcessor;
import dev.kafkatask.task.TaskRegistry;

/**
 * Auto-configuration of kafka-task's core: the task registry that collects
 * {@link dev.kafkatask.task.KafkaTask @KafkaTask} methods, the envelope codec and the task
 * invoker.
 *
 * @author kafka-task
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnBooleanProperty(name = "kafka-task.enabled", matchIfMissing = true)
@EnableConfigurationProperties(KafkaTaskProperties.class)
public final class KafkaTaskAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static TaskRegistry taskRegistry() {
		return new TaskRegistry();
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static KafkaTaskBeanPostProcessor kafkaTaskBeanPostProcessor(TaskRegistry taskRegistry) {
		return new KafkaTaskBeanPostProcessor(taskRegistry);
	}

	@Bean
	@ConditionalOnMissingBean
	EnvelopeCodec taskEnvelopeCodec() {
		return new EnvelopeCodec();
	}

	@Bean
	@ConditionalOnMissingBean
	TaskInvoker taskInvoker(ObjectProvider<JsonMapper> jsonMapper) {
		// The application's mapper (its modules and naming), but never with default typing:
		// arguments are read only as the declared parameter types.
		JsonMapper base = jsonMapper.getIfAvailable(JsonMapper::new);
		JsonMapper argumentMapper = base.rebuild()
			.deactivateDefaultTyping()
			.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.build();
		return new TaskInvoker(new ArgumentBinder(argumentMapper));
	}

}

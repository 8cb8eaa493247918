package dev.kafkatask.task;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Registers the {@link KafkaTask} methods of every bean in a {@link TaskRegistry}.
 *
 * @author kafka-task
 */
public class KafkaTaskBeanPostProcessor implements BeanPostProcessor {

	private final TaskRegistry registry;

	public KafkaTaskBeanPostProcessor(TaskRegistry registry) {
		this.registry = registry;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		this.registry.registerBean(bean, AopUtils.getTargetClass(bean));
		return bean;
	}

}

package dev.kafkatask.task;

import java.lang.reflect.Proxy;

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
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		// A plain JDK proxy (a typed task client, for one) delegates its methods: it does not
		// implement tasks, even when its interface declares them.
		if (!Proxy.isProxyClass(targetClass)) {
			this.registry.registerBean(bean, targetClass);
		}
		return bean;
	}

}

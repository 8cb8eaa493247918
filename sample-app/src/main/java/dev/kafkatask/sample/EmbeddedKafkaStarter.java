package dev.kafkatask.sample;

import java.util.Locale;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Starts an in-process KRaft Kafka broker for the sample application unless
 * {@code spring.kafka.bootstrap-servers} points at a real cluster, so the app runs with no
 * setup. {@code sample.embedded-kafka.mode} is {@code auto} (the default), {@code always} or
 * {@code never}. The broker listens on a free port, printed in the log at startup (the KRaft
 * test broker of spring-kafka-test does not take a fixed port). It is registered as a bean,
 * so it stops after the task worker committed its offsets.
 *
 * @author kafka-task
 */
public class EmbeddedKafkaStarter implements SmartApplicationListener {

	private static final Log logger = LogFactory.getLog(EmbeddedKafkaStarter.class);

	private EmbeddedKafkaKraftBroker broker;

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(eventType)
				|| ApplicationPreparedEvent.class.isAssignableFrom(eventType)
				|| ApplicationFailedEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
			startIfNeeded(prepared.getEnvironment());
		}
		else if (event instanceof ApplicationPreparedEvent prepared && this.broker != null) {
			prepared.getApplicationContext().getBeanFactory().registerSingleton("sampleEmbeddedKafkaBroker", this.broker);
		}
		else if (event instanceof ApplicationFailedEvent && this.broker != null) {
			this.broker.destroy();
		}
	}

	private void startIfNeeded(ConfigurableEnvironment environment) {
		String mode = environment.getProperty("sample.embedded-kafka.mode", "auto").toLowerCase(Locale.ROOT);
		boolean configured = environment.containsProperty("spring.kafka.bootstrap-servers");
		if (mode.equals("never") || (mode.equals("auto") && configured)) {
			return;
		}
		EmbeddedKafkaKraftBroker started = new EmbeddedKafkaKraftBroker(1, 1);
		started.brokerProperty("group.initial.rebalance.delay.ms", "0");
		started.brokerProperty("group.consumer.min.heartbeat.interval.ms", "100");
		started.brokerProperty("group.consumer.heartbeat.interval.ms", "500");
		started.afterPropertiesSet();
		this.broker = started;
		environment.getPropertySources()
			.addFirst(new MapPropertySource("sampleEmbeddedKafka",
					Map.of("spring.kafka.bootstrap-servers", started.getBrokersAsString())));
		logger.info("Started an in-process Kafka broker at " + started.getBrokersAsString()
				+ " (set spring.kafka.bootstrap-servers to use a real cluster)");
	}

	@Override
	public int getOrder() {
		// After Boot has read application.yml and the command line.
		return Ordered.LOWEST_PRECEDENCE;
	}

}

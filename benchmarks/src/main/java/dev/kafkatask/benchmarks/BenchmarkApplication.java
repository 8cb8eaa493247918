package dev.kafkatask.benchmarks;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

import dev.kafkatask.kafka.worker.TaskWorker;

/**
 * The Spring Boot application each benchmark context runs: kafka-task's auto-configuration,
 * the benchmark tasks and, for the spring-kafka engine, a plain {@code @KafkaListener}. The
 * {@link TaskLedger} is registered by {@link BenchmarkRun} before the context refreshes.
 *
 * @author kafka-task
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(SpringKafkaEngineConfiguration.class)
class BenchmarkApplication {

	/**
	 * Whether the worker starts with the context; when not, the scenario starts it.
	 */
	static final String WORKER_AUTO_STARTUP = "bench.worker.auto-startup";

	@Bean
	BenchmarkTasks benchmarkTasks(TaskLedger ledger) {
		return new BenchmarkTasks(ledger);
	}

	@Bean
	static BeanPostProcessor workerAutoStartup(Environment environment) {
		boolean autoStartup = environment.getProperty(WORKER_AUTO_STARTUP, Boolean.class, true);
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof TaskWorker container) {
					container.setAutoStartup(autoStartup);
				}
				return bean;
			}

		};
	}

}

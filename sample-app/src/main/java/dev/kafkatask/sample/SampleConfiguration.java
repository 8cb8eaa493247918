package dev.kafkatask.sample;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.kafkatask.dispatch.TaskClientFactory;

/**
 * Beans of the sample application.
 *
 * @author kafka-task
 */
@Configuration(proxyBeanMethods = false)
class SampleConfiguration {

	@Bean
	LedgerClient ledgerClient(TaskClientFactory clients) {
		return clients.create(LedgerClient.class);
	}

}

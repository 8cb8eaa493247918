package dev.kafkatask.integration;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.task.KafkaTask;

/**
 * A typed client of the test task {@code it.echo}.
 *
 * @author kafka-task
 */
public interface EchoClient {

	@KafkaTask(name = "it.echo")
	CompletableFuture<DispatchReceipt> echo(String text, int number, List<String> tags, Map<String, Integer> extra);

}

package dev.kafkatask.kafka;

import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Sends what a task returned, or how it failed, to the reply topic its dispatch named, keyed
 * by task id: {@code {"id":…,"task":…,"status":"SUCCESS"|"FAILURE","result":…,
 * "error":{"type":…,"message":…}}}.
 *
 * @author kafka-task
 */
public class ResultPublisher {

	private final KafkaTemplate<String, byte[]> template;

	private final JsonMapper mapper;

	public ResultPublisher(KafkaTemplate<String, byte[]> template, JsonMapper mapper) {
		this.template = template;
		this.mapper = mapper;
	}

	/**
	 * Return a publisher like this one that sends with another template: the results of
	 * tasks consumed on another Kafka cluster go back on that cluster.
	 * @param template the template of that cluster
	 * @return the publisher
	 */
	public ResultPublisher withTemplate(KafkaTemplate<String, byte[]> template) {
		return new ResultPublisher(template, this.mapper);
	}

	/**
	 * Send a result.
	 * @param replyTo the reply topic
	 * @param taskId the task id
	 * @param task the task name
	 * @param value what the task returned, or {@code null}
	 * @param failure what it threw, or {@code null} if it returned
	 * @return the send result, once acknowledged
	 */
	public CompletableFuture<SendResult<String, byte[]>> publish(String replyTo, String taskId, String task,
			@Nullable Object value, @Nullable Throwable failure) {
		ObjectNode result = JsonNodeFactory.instance.objectNode();
		result.put("id", taskId);
		result.put("task", task);
		result.put("status", (failure == null) ? "SUCCESS" : "FAILURE");
		if (failure == null) {
			JsonNode json = (value != null) ? this.mapper.valueToTree(value) : JsonNodeFactory.instance.nullNode();
			result.set("result", json);
		}
		else {
			ObjectNode error = result.putObject("error");
			error.put("type", failure.getClass().getName());
			error.put("message", String.valueOf(failure.getMessage()));
		}
		return this.template.send(new ProducerRecord<>(replyTo, taskId, this.mapper.writeValueAsBytes(result)));
	}

}

package dev.kafkatask.kafka;

import java.io.ByteArrayOutputStream;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.kafkatask.monitor.TaskEvent;
import dev.kafkatask.monitor.TaskEventType;
import dev.kafkatask.routing.Route;

/**
 * The JSON value of a task event's record (the task id is the record's key), written field
 * by field. An event of a named Kafka cluster carries its {@code cluster}; one of the
 * default cluster ({@value Route#DEFAULT_CLUSTER}) does not, so that its bytes are those
 * written before there were several clusters. An event without it reads as one of the
 * cluster whose events topic it was read from: the default one, for every event written
 * before.
 *
 * @author kafka-task
 */
final class TaskEventJson {

	private final JsonMapper mapper;

	/**
	 * Create the JSON of events.
	 * @param mapper writes and reads the JSON
	 */
	TaskEventJson(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Write an event.
	 * @param event the event
	 * @return the JSON bytes
	 */
	byte[] write(TaskEvent event) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(256);
		try (JsonGenerator json = this.mapper.createGenerator(out)) {
			json.writeStartObject();
			json.writeStringProperty("type", event.type().code());
			json.writeStringProperty("task", event.task());
			json.writeStringProperty("queue", event.queue());
			json.writeStringProperty("backend", event.backend());
			if (!Route.DEFAULT_CLUSTER.equals(event.cluster())) {
				json.writeStringProperty("cluster", event.cluster());
			}
			json.writeStringProperty("worker", event.worker());
			json.writeNumberProperty("at", event.at().toEpochMilli());
			json.writeNumberProperty("attempt", event.attempt());
			writeIfPresent(json, "result", event.result());
			writeIfPresent(json, "error", event.error());
			writeIfPresent(json, "reason", event.reason());
			writeIfPresent(json, "arguments", event.arguments());
			json.writeEndObject();
		}
		return out.toByteArray();
	}

	/**
	 * Read an event.
	 * @param taskId the task id, the record's key
	 * @param value the record's value
	 * @param cluster the cluster whose events topic it was read from, the event's when it
	 * names none
	 * @return the event
	 * @throws JacksonException if the value is not JSON
	 * @throws IllegalArgumentException if it is not an event (an unknown type, for one)
	 * @throws NullPointerException if a field of every event is missing
	 */
	TaskEvent read(String taskId, byte[] value, String cluster) {
		JsonNode json = this.mapper.readTree(value);
		String named = text(json, "cluster");
		return new TaskEvent(taskId, TaskEventType.of(json.get("type").asString()), json.get("task").asString(),
				json.get("queue").asString(), json.get("backend").asString(), (named != null) ? named : cluster,
				json.get("worker").asString(), Instant.ofEpochMilli(json.get("at").asLong()),
				json.get("attempt").asInt(), text(json, "result"), text(json, "error"), text(json, "reason"),
				text(json, "arguments"));
	}

	private static void writeIfPresent(JsonGenerator json, String name, @Nullable String value) {
		if (value != null) {
			json.writeStringProperty(name, value);
		}
	}

	private static @Nullable String text(JsonNode json, String name) {
		JsonNode value = json.get(name);
		return (value != null && value.isString()) ? value.asString() : null;
	}

}

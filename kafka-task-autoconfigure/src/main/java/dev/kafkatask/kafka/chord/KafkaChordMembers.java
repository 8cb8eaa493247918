package dev.kafkatask.kafka.chord;

import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.kafka.core.KafkaTemplate;

import dev.kafkatask.canvas.ChordMember;
import dev.kafkatask.canvas.ChordMembers;

/**
 * Reports chord members to the chord topic, keyed by group id so that all members of a
 * chord are in one partition, read by one joiner.
 *
 * @author kafka-task
 */
public class KafkaChordMembers implements ChordMembers {

	private final KafkaTemplate<String, byte[]> template;

	private final String topic;

	private final JsonMapper mapper;

	public KafkaChordMembers(KafkaTemplate<String, byte[]> template, String topic, JsonMapper mapper) {
		this.template = template;
		this.topic = topic;
		this.mapper = mapper;
	}

	@Override
	public CompletableFuture<?> finished(ChordMember member) {
		ObjectNode json = this.mapper.createObjectNode()
			.put("group", member.groupId())
			.put("index", member.index())
			.put("taskId", member.taskId())
			.put("succeeded", member.succeeded());
		json.set("callback", member.callback());
		if (member.result() != null) {
			json.set("result", member.result());
		}
		if (member.error() != null) {
			json.put("error", member.error());
		}
		try {
			return this.template.send(this.topic, member.groupId(), this.mapper.writeValueAsBytes(json));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

}

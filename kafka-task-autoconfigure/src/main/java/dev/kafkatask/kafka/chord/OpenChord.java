package dev.kafkatask.kafka.chord;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.kafkatask.canvas.SignatureMessage;

/**
 * A chord whose members are being counted: the results so far, by member index, and the
 * first failure. Only the joiner's thread uses it.
 *
 * @author kafka-task
 */
final class OpenChord {

	final String groupId;

	/**
	 * The offset of its first member's report: the joiner's committed offset stays at or
	 * before it until the chord is done, so that a new joiner reads all of its reports.
	 */
	final long firstOffset;

	final SignatureMessage callback;

	final String callbackId;

	final int size;

	private final TreeMap<Integer, JsonNode> results = new TreeMap<>();

	@Nullable String failedTask;

	@Nullable String error;

	OpenChord(String groupId, long firstOffset, SignatureMessage callback, String callbackId, int size) {
		this.groupId = groupId;
		this.firstOffset = firstOffset;
		this.callback = callback;
		this.callbackId = callbackId;
		this.size = size;
	}

	/**
	 * Count a member that succeeded; a member reported twice (it ran twice) counts once.
	 */
	void succeeded(int index, JsonNode result) {
		this.results.putIfAbsent(index, result);
	}

	/**
	 * Note a member that failed: the first failure decides.
	 */
	void failed(String taskId, String error) {
		if (this.failedTask == null) {
			this.failedTask = taskId;
			this.error = error;
		}
	}

	/**
	 * Whether the chord is done: every member succeeded, or one failed.
	 */
	boolean isDone() {
		return this.failedTask != null || this.results.size() == this.size;
	}

	int finished() {
		return this.results.size();
	}

	List<JsonNode> results() {
		return new ArrayList<>(this.results.values());
	}

}

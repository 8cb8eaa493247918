package dev.kafkatask.kafka;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import dev.kafkatask.dispatch.UniqueClaim;

/**
 * Which claim holds each unique key, as the log of claims says when read in order: a claim
 * holds its key unless a claim before it holds it still (its window had not passed when this
 * one was made); a release frees a key if the releasing task holds it. Every instance that
 * reads the same log in the same order comes to the same holders. Not thread-safe: one
 * reader applies the log.
 *
 * @author kafka-task
 */
final class UniqueKeyHolders {

	private final Map<String, UniqueClaim> holders = new HashMap<>();

	/**
	 * Apply a claim.
	 * @param claim the claim, next in the log
	 * @return the claim that holds its key now: itself, or the earlier one
	 */
	UniqueClaim claim(UniqueClaim claim) {
		UniqueClaim holder = this.holders.get(claim.key());
		if (holder != null && holder.until().isAfter(claim.claimedAt())) {
			return holder;
		}
		this.holders.put(claim.key(), claim);
		return claim;
	}

	/**
	 * Apply a release.
	 * @param key the key
	 * @param taskId the task that gives it back
	 */
	void release(String key, String taskId) {
		UniqueClaim holder = this.holders.get(key);
		if (holder != null && holder.taskId().equals(taskId)) {
			this.holders.remove(key);
		}
	}

	/**
	 * Forget the holders whose windows ended before a moment: no claim made after it can
	 * meet them.
	 * @param before the moment
	 */
	void purge(Instant before) {
		this.holders.values().removeIf((holder) -> holder.until().isBefore(before));
	}

	void clear() {
		this.holders.clear();
	}

	int size() {
		return this.holders.size();
	}

}

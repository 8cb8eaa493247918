package dev.kafkatask.kafka.worker;

import java.util.Base64;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Encodes, in the metadata of an offset commit, which records above the committed offset
 * already finished, so that after a crash only unfinished tasks run again.
 * <p>
 * The committed offset {@code c} is the lowest unfinished record. The metadata is
 * {@code kt1:} followed by the unpadded URL-safe Base64 of a bitmap whose bit {@code i}
 * (least significant bit first) says that offset {@code c + 1 + i} finished. It is cut to
 * {@link #MAX_CHARS} characters, under Kafka's default {@code offset.metadata.max.bytes}
 * (4096); finished offsets beyond the cut simply run again.
 *
 * @author kafka-task
 */
final class CommitMetadata {

	/**
	 * Most characters of metadata written.
	 */
	static final int MAX_CHARS = 4000;

	private static final String PREFIX = "kt1:";

	private static final int MAX_BYTES = (MAX_CHARS - PREFIX.length()) / 4 * 3;

	private CommitMetadata() {
	}

	/**
	 * Encode the finished offsets above a committed offset.
	 * @param committed the committed offset (an unfinished record, or the end)
	 * @param finished finished offsets, all above {@code committed}
	 * @return the metadata, empty when there is nothing above
	 */
	static String encode(long committed, NavigableSet<Long> finished) {
		if (finished.isEmpty()) {
			return "";
		}
		long span = Math.min(finished.last() - committed, (long) MAX_BYTES * 8);
		byte[] bitmap = new byte[(int) ((span + 7) / 8)];
		for (long offset : finished.subSet(committed + 1, true, committed + span, true)) {
			long bit = offset - committed - 1;
			bitmap[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
		}
		return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bitmap);
	}

	/**
	 * Decode the finished offsets above a committed offset.
	 * @param committed the committed offset
	 * @param metadata the commit metadata, possibly written by someone else
	 * @return the finished offsets, empty when the metadata is not ours or is damaged
	 */
	static NavigableSet<Long> decode(long committed, String metadata) {
		NavigableSet<Long> finished = new TreeSet<>();
		if (metadata == null || !metadata.startsWith(PREFIX)) {
			return finished;
		}
		byte[] bitmap;
		try {
			bitmap = Base64.getUrlDecoder().decode(metadata.substring(PREFIX.length()));
		}
		catch (IllegalArgumentException ex) {
			return finished;
		}
		for (int i = 0; i < bitmap.length * 8; i++) {
			if ((bitmap[i >>> 3] & (1 << (i & 7))) != 0) {
				finished.add(committed + 1 + i);
			}
		}
		return finished;
	}

}

package dev.kafkatask.canvas;

import java.util.concurrent.CompletableFuture;

/**
 * Where the workers report the members of chords that finished, for the chord joiner to
 * count.
 *
 * @author kafka-task
 */
@FunctionalInterface
public interface ChordMembers {

	/**
	 * Report a member that finished.
	 * @param member the member
	 * @return a future that completes once the report was acknowledged
	 */
	CompletableFuture<?> finished(ChordMember member);

}

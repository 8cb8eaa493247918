package dev.kafkatask.canvas;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The canvas a task carries, read from its options.
 *
 * @param links tasks to dispatch after it succeeded
 * @param errorLinks tasks to dispatch after it failed for good
 * @param chain the rest of its chain, the next task last
 * @param chord the callback of its chord, or {@code null}
 * @param groupId its chord's group id, or {@code null}
 * @param groupIndex its index in its chord, or {@code -1}
 * @author kafka-task
 */
record CanvasParts(List<SignatureMessage> links, List<SignatureMessage> errorLinks, List<SignatureMessage> chain,
		@Nullable SignatureMessage chord, @Nullable String groupId, int groupIndex) {

	boolean isEmpty() {
		return this.links.isEmpty() && this.errorLinks.isEmpty() && this.chain.isEmpty() && this.chord == null;
	}

	/**
	 * Return every signature that a worker may dispatch after the task.
	 */
	List<SignatureMessage> all() {
		List<SignatureMessage> all = new ArrayList<>(this.links);
		all.addAll(this.errorLinks);
		if (!this.chain.isEmpty()) {
			all.add(this.chain.getLast());
		}
		if (this.chord != null) {
			all.add(this.chord);
		}
		return all;
	}

}

package dev.kafkatask.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.kafkatask.execution.PendingDeadLetter;

/**
 * Health details of dead letters that could not be written yet.
 *
 * @author kafka-task
 */
final class PendingDeadLetters {

	private PendingDeadLetters() {
	}

	/**
	 * Describe pending dead letters: by delivery, the reason, the last failure, since when
	 * it fails and, on Kafka, the cluster it is to be written on.
	 * @param pending the pending dead letters
	 * @return the details
	 */
	static Map<String, Map<String, String>> describe(List<PendingDeadLetter> pending) {
		Map<String, Map<String, String>> described = new LinkedHashMap<>();
		for (PendingDeadLetter letter : pending) {
			Map<String, String> details = new LinkedHashMap<>();
			details.put("reason", letter.reason().code());
			details.put("failure", letter.failure());
			details.put("since", letter.since().toString());
			if (letter.cluster() != null) {
				details.put("cluster", letter.cluster());
			}
			described.put(letter.delivery(), details);
		}
		return described;
	}

}

package dev.kafkatask.benchmarks;

import java.time.Duration;

/**
 * The waits both fault scenarios share: for completions to be back at the pre-fault rate, for
 * every acknowledged task to have run, and until a moment.
 *
 * @author kafka-task
 */
final class FaultWaits {

	private FaultWaits() {
	}

	/**
	 * Wait until, since the fault was undone, the last three whole seconds each had at least
	 * {@link FaultLedger#RECOVERED} of the pre-fault rate of completions and every task
	 * acknowledged more than three seconds ago ran.
	 * @param ledger the fault's ledger
	 * @param preFaultRate completions per second before the fault
	 * @param restoredAt when the fault was undone, epoch ms
	 * @param deadline until when to wait, {@link System#nanoTime()}
	 * @return when, or {@code 0} if not before the deadline
	 */
	static long awaitRecovered(FaultLedger ledger, double preFaultRate, long restoredAt, long deadline)
			throws InterruptedException {
		while (System.nanoTime() - deadline < 0) {
			long now = System.currentTimeMillis();
			// the journals are read every 100 ms: the last half second may not be in yet
			long to = now - 500;
			if (to - 3000 >= restoredAt) {
				boolean steady = true;
				for (int count : ledger.completionsPerSecond(to - 3000, to)) {
					steady &= count >= FaultLedger.RECOVERED * preFaultRate;
				}
				if (steady && ledger.notRunAcknowledgedBefore(now - 3000) == 0) {
					return now;
				}
			}
			Thread.sleep(250);
		}
		return 0;
	}

	/**
	 * Wait until every dispatch is acknowledged or failed, and every acknowledged task ran.
	 * @param workers the workers, whose journals feed the ledger
	 * @param ledger the fault's ledger
	 * @param deadline until when to wait, {@link System#nanoTime()}
	 * @return whether it drained before the deadline
	 */
	static boolean awaitDrained(WorkerGroup workers, FaultLedger ledger, long deadline) throws InterruptedException {
		while (System.nanoTime() - deadline < 0) {
			workers.feed(ledger);
			if (ledger.unresolved() == 0 && ledger.notRunAcknowledgedBefore(Long.MAX_VALUE) == 0) {
				return true;
			}
			Thread.sleep(200);
		}
		return false;
	}

	static void sleepUntil(long nanoTime) throws InterruptedException {
		long wait = nanoTime - System.nanoTime();
		if (wait > 0) {
			Thread.sleep(Duration.ofNanos(wait));
		}
	}

	static void sleepUntilMillis(long epochMillis) throws InterruptedException {
		long wait = epochMillis - System.currentTimeMillis();
		if (wait > 0) {
			Thread.sleep(wait);
		}
	}

}

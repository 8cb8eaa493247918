package dev.kafkatask.kafka;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RecentKeys}.
 *
 * @author kafka-task
 */
class RecentKeysTests {

	private final RecentKeys<String> keys = new RecentKeys<>(1000);

	@Test
	void whenRecordsAgeOutThenPurgingForgetsThemOldestFirstAndKeepsTheRest() {
		this.keys.read("a", "1", 0);
		this.keys.read("b", "2", 500);
		this.keys.read("c", "3", 1500);
		this.keys.purge(2000);
		assertThat(this.keys.get("a")).isNull();
		assertThat(this.keys.get("b")).isNull();
		assertThat(this.keys.get("c")).isEqualTo("3");
		assertThat(this.keys.size()).isEqualTo(1);
	}

	@Test
	void whenAKeyIsReadAgainThenItsAgeIsItsLatestRecords() {
		this.keys.read("a", "old", 0);
		this.keys.read("b", "2", 100);
		this.keys.read("a", "new", 1900);
		this.keys.purge(2000);
		assertThat(this.keys.get("a")).isEqualTo("new");
		assertThat(this.keys.get("b")).isNull();
	}

	@Test
	void whenATombstoneIsReadThenTheKeyIsGone() {
		this.keys.read("a", "1", 0);
		this.keys.read("a", null, 10);
		assertThat(this.keys.get("a")).isNull();
		assertThat(this.keys.size()).isZero();
	}

	@Test
	void whenPurgedWithinASecondOfTheLastPurgeThenNothingIsDone() {
		this.keys.read("a", "1", 0);
		this.keys.purge(1001);
		this.keys.read("b", "2", 1002);
		// b is old at 3000, but the last purge was less than a second ago
		this.keys.purge(1500);
		assertThat(this.keys.get("b")).isEqualTo("2");
		this.keys.purge(3100);
		assertThat(this.keys.get("b")).isNull();
	}

	@Test
	void whenAValueWrittenHereIsNotReadBackYetThenItIsKnownAndNotPurgedByAnOlderRead() {
		this.keys.read("a", "read", 0);
		this.keys.putLocal("a", "local", 1900);
		this.keys.purge(2000);
		assertThat(this.keys.get("a")).as("the local value is newer than the record purged").isEqualTo("local");
	}

}

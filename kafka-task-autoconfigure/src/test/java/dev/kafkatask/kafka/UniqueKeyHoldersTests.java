package dev.kafkatask.kafka;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.kafkatask.dispatch.UniqueClaim;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link UniqueKeyHolders}: the rule every instance applies to the log of claims.
 *
 * @author kafka-task
 */
class UniqueKeyHoldersTests {

	private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

	private final UniqueKeyHolders holders = new UniqueKeyHolders();

	@Test
	void whenTheFirstClaimsWindowHasNotPassedThenLaterClaimsLoseToIt() {
		UniqueClaim first = claim("k", "a", 0, 60);
		assertThat(this.holders.claim(first)).isEqualTo(first);
		assertThat(this.holders.claim(claim("k", "b", 1, 60))).isEqualTo(first);
		assertThat(this.holders.claim(claim("k", "c", 59, 60))).isEqualTo(first);
	}

	@Test
	void whenTheFirstClaimsWindowHasPassedThenTheNextClaimHoldsTheKey() {
		this.holders.claim(claim("k", "a", 0, 60));
		UniqueClaim later = claim("k", "b", 60, 60);
		assertThat(this.holders.claim(later)).isEqualTo(later);
		assertThat(this.holders.claim(claim("k", "c", 61, 60))).isEqualTo(later);
	}

	@Test
	void whenAClaimComesInTheLogAfterAnotherThenTheLogOrderDecidesNotTheClocks() {
		// b's clock runs behind: its claim says it was made before a's, but the log has it after
		UniqueClaim first = claim("k", "a", 10, 60);
		this.holders.claim(first);
		assertThat(this.holders.claim(claim("k", "b", 8, 60))).isEqualTo(first);
	}

	@Test
	void whenKeysDifferThenTheyAreHeldApart() {
		UniqueClaim a = claim("k1", "a", 0, 60);
		UniqueClaim b = claim("k2", "b", 1, 60);
		assertThat(this.holders.claim(a)).isEqualTo(a);
		assertThat(this.holders.claim(b)).isEqualTo(b);
	}

	@Test
	void whenTheHolderReleasesThenTheNextClaimHoldsTheKeyButAnotherTaskCannotRelease() {
		this.holders.claim(claim("k", "a", 0, 600));
		this.holders.release("k", "somebody-else");
		assertThat(this.holders.claim(claim("k", "b", 1, 600)).taskId()).isEqualTo("a");
		this.holders.release("k", "a");
		UniqueClaim c = claim("k", "c", 2, 600);
		assertThat(this.holders.claim(c)).isEqualTo(c);
	}

	@Test
	void whenHoldersArePurgedThenOnlyThoseWhoseWindowsEndedGo() {
		this.holders.claim(claim("old", "a", 0, 10));
		this.holders.claim(claim("new", "b", 0, 100));
		this.holders.purge(T0.plusSeconds(50));
		assertThat(this.holders.size()).isEqualTo(1);
		assertThat(this.holders.claim(claim("new", "c", 60, 100)).taskId()).isEqualTo("b");
	}

	private static UniqueClaim claim(String key, String taskId, int atSecond, int windowSeconds) {
		Instant at = T0.plusSeconds(atSecond);
		return new UniqueClaim(key, taskId, "t", at, at.plus(Duration.ofSeconds(windowSeconds)));
	}

}

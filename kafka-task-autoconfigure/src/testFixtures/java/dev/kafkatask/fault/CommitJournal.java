package dev.kafkatask.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * A consumer interceptor of worker processes that appends each offset commit the broker
 * acknowledged to a journal file: {@code commit <topic>-<partition> <offset>}, one write per
 * commit, so that a {@code kill -9} loses at most the commits acknowledged in its last
 * instant (the journal then says less was committed than was: never more). Configured
 * with {@code interceptor.classes} and the {@value #JOURNAL} consumer property.
 *
 * @author kafka-task
 */
public class CommitJournal<K, V> implements ConsumerInterceptor<K, V> {

	/**
	 * The consumer property that names the journal file.
	 */
	public static final String JOURNAL = "commit.journal";

	private @Nullable Path journal;

	@Override
	public void configure(Map<String, ?> configs) {
		Object journal = configs.get(JOURNAL);
		this.journal = (journal != null) ? Path.of(journal.toString()) : null;
	}

	@Override
	public ConsumerRecords<K, V> onConsume(ConsumerRecords<K, V> records) {
		return records;
	}

	@Override
	public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
		Path journal = this.journal;
		if (journal == null || offsets.isEmpty()) {
			return;
		}
		StringBuilder lines = new StringBuilder();
		offsets.forEach((partition, offset) -> lines.append("commit ")
			.append(partition)
			.append(' ')
			.append(offset.offset())
			.append('\n'));
		try {
			Files.write(journal, lines.toString().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
					StandardOpenOption.APPEND, StandardOpenOption.WRITE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
	}

}

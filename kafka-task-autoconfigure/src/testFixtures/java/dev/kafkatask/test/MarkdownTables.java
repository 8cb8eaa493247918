package dev.kafkatask.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the tables of Markdown documents, for the tests that hold the README's tables in
 * step with the code.
 *
 * @author kafka-task
 */
public final class MarkdownTables {

	private MarkdownTables() {
	}

	/**
	 * Return the rows of the one table of a file with a header line, without the header and
	 * its separator: only that table is read, whatever other tables the file holds.
	 * @param file the Markdown file
	 * @param header the table's header line, exactly
	 * @return the rows, each a whole line
	 * @throws IOException if the file cannot be read
	 */
	public static List<String> rowsOfTable(Path file, String header) throws IOException {
		List<String> lines = Files.readAllLines(file);
		assertThat(lines).as("tables headed %s in %s", header, file).containsOnlyOnce(header);
		List<String> rows = new ArrayList<>();
		for (int i = lines.indexOf(header) + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
			rows.add(lines.get(i));
		}
		return rows;
	}

}

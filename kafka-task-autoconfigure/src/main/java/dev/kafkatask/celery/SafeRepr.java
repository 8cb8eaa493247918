package dev.kafkatask.celery;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;

/**
 * Writes task arguments as Celery's {@code saferepr} does for the {@code argsrepr} and
 * {@code kwargsrepr} headers, which workers, events and monitors show instead of the
 * arguments: {@code (1, 'a', None, True)} and {@code {'x': 1.5}}.
 * <p>
 * Like Celery, strings are quoted with {@code '} and only {@code '} is escaped, containers
 * deeper than three levels are written as {@code [...]} or {@code {...}}, and the text is
 * cut at about 1024 characters (Celery's {@code argsrepr_maxsize}), ending in
 * {@code , ...} and the open brackets' closing ones. Keyword arguments are sorted by name,
 * since a {@link dev.kafkatask.codec.TaskEnvelope} does not keep their order.
 *
 * @author kafka-task
 */
final class SafeRepr {

	/**
	 * Celery's default {@code argsrepr_maxsize} and {@code kwargsrepr_maxsize}.
	 */
	static final int MAX_LENGTH = 1024;

	private static final int MAX_LEVELS = 3;

	private final StringBuilder text = new StringBuilder();

	private final Deque<String> closers = new ArrayDeque<>();

	private int remaining = MAX_LENGTH;

	private SafeRepr() {
	}

	/**
	 * Write positional arguments as a Python tuple.
	 * @param args the arguments
	 * @return the text
	 */
	static String args(List<JsonNode> args) {
		SafeRepr repr = new SafeRepr();
		try {
			repr.open("(", (args.size() == 1) ? ",)" : ")");
			for (int i = 0; i < args.size(); i++) {
				repr.separator(i);
				repr.value(args.get(i), 2);
			}
			repr.close();
		}
		catch (Exhausted ex) {
			repr.finishCut();
		}
		return repr.text.toString();
	}

	/**
	 * Write keyword arguments as a Python dict.
	 * @param kwargs the keyword arguments
	 * @return the text
	 */
	static String kwargs(Map<String, JsonNode> kwargs) {
		SafeRepr repr = new SafeRepr();
		try {
			repr.dict(new TreeMap<>(kwargs), 1);
		}
		catch (Exhausted ex) {
			repr.finishCut();
		}
		return repr.text.toString();
	}

	private void value(JsonNode node, int level) {
		if (node.isArray()) {
			if (level > MAX_LEVELS) {
				token("[...]");
				return;
			}
			open("[", "]");
			int i = 0;
			for (JsonNode element : node.values()) {
				separator(i++);
				value(element, level + 1);
			}
			close();
		}
		else if (node.isObject()) {
			if (level > MAX_LEVELS) {
				token("{...}");
				return;
			}
			Map<String, JsonNode> members = new LinkedHashMap<>();
			node.forEachEntry(members::put);
			dict(members, level);
		}
		else if (node.isString()) {
			token(quoted(node.stringValue()));
		}
		else if (node.isBoolean()) {
			token(node.booleanValue() ? "True" : "False");
		}
		else if (node.isIntegralNumber()) {
			token(truncate(node.bigIntegerValue().toString()));
		}
		else if (node.isNumber()) {
			token(truncate(pythonFloat(node.doubleValue())));
		}
		else {
			token("None");
		}
	}

	private void dict(Map<String, JsonNode> members, int level) {
		open("{", "}");
		int i = 0;
		for (Map.Entry<String, JsonNode> member : members.entrySet()) {
			separator(i++);
			token(quoted(member.getKey()));
			token(": ");
			value(member.getValue(), level + 1);
		}
		close();
	}

	private void open(String opener, String closer) {
		token(opener);
		this.closers.push(closer);
	}

	private void close() {
		token(this.closers.pop());
	}

	private void separator(int index) {
		if (index > 0) {
			token(", ");
		}
	}

	private void token(String token) {
		if (this.remaining <= 0) {
			throw new Exhausted();
		}
		this.text.append(token);
		this.remaining -= token.length();
	}

	private void finishCut() {
		this.text.append(", ...");
		while (!this.closers.isEmpty()) {
			this.text.append(this.closers.pop());
		}
	}

	private String quoted(String value) {
		return "'" + truncate(value).replace("'", "\\'") + "'";
	}

	/**
	 * Cut text that does not fit into what is left, at the last space, as Celery's
	 * {@code truncate} does.
	 */
	private String truncate(String value) {
		if (value.length() < this.remaining) {
			return value;
		}
		String head = value.substring(0, Math.max(this.remaining, 0));
		int space = head.lastIndexOf(' ');
		return ((space >= 0) ? head.substring(0, space) : head) + "...";
	}

	/**
	 * Write a float as Python's {@code repr} does: the shortest digits that read back as
	 * the same double, in positional notation for exponents from -5 to 15 and in scientific
	 * notation otherwise ({@code 1e+16}, {@code 1.5e-05}).
	 * @param value the value
	 * @return the text
	 */
	static String pythonFloat(double value) {
		if (Double.isNaN(value)) {
			return "nan";
		}
		if (Double.isInfinite(value)) {
			return (value > 0) ? "inf" : "-inf";
		}
		String sign = (value < 0 || (value == 0 && 1 / value < 0)) ? "-" : "";
		if (value == 0) {
			return sign + "0.0";
		}
		// Double.toString gives the shortest digits that round-trip (JDK 19 and later).
		BigDecimal decimal = new BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
		String digits = decimal.unscaledValue().toString();
		int exponent = digits.length() - 1 - decimal.scale();
		if (exponent < -4 || exponent >= 16) {
			String mantissa = (digits.length() > 1) ? digits.charAt(0) + "." + digits.substring(1) : digits;
			String exponentSign = (exponent < 0) ? "-" : "+";
			int magnitude = Math.abs(exponent);
			return sign + mantissa + "e" + exponentSign + ((magnitude < 10) ? "0" : "") + magnitude;
		}
		if (exponent < 0) {
			return sign + "0." + "0".repeat(-exponent - 1) + digits;
		}
		if (digits.length() <= exponent + 1) {
			return sign + digits + "0".repeat(exponent + 1 - digits.length()) + ".0";
		}
		return sign + digits.substring(0, exponent + 1) + "." + digits.substring(exponent + 1);
	}

	/**
	 * Signals that the length budget is spent.
	 */
	private static final class Exhausted extends RuntimeException {

		Exhausted() {
			super(null, null, false, false);
		}

	}

}

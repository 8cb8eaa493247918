package dev.kafkatask.kafka;

/**
 * Which consumer group protocol a worker uses.
 *
 * @author kafka-task
 * @see GroupProtocols
 */
public enum GroupProtocolMode {

	/**
	 * KIP-848's {@code consumer} protocol where the brokers support it, asked of them when
	 * the worker starts; otherwise {@code classic} with the cooperative-sticky assignor.
	 */
	AUTO,

	/**
	 * KIP-848's {@code consumer} protocol: the brokers assign partitions and rebalance
	 * incrementally, without stopping the group.
	 */
	CONSUMER,

	/**
	 * The {@code classic} protocol, with the cooperative-sticky assignor unless another is
	 * configured.
	 */
	CLASSIC

}

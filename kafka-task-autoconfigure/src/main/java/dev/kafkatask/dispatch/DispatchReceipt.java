package dev.kafkatask.dispatch;

/**
 * What the transport acknowledged for one dispatch.
 *
 * @param taskId the task id
 * @param task the task name
 * @param queue the queue
 * @param topic the topic the task was written to
 * @param partition the partition
 * @param offset the offset of the task record
 * @author kafka-task
 */
public record DispatchReceipt(String taskId, String task, String queue, String topic, int partition, long offset) {

}

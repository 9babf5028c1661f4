// Tags the stack puts on its dead-letter queues and `stocksentry dlq` reads (no CDK import, so the CLI stays light).

/** What failed into the queue: "sync of connector erp". */
export const DLQ_PURPOSE_TAG = 'stocksentry:dlq';
/** The stack logical id of the function whose own input the queue's messages are; a redrive invokes it with them. */
export const DLQ_REDRIVE_TAG = 'stocksentry:redrive-function';

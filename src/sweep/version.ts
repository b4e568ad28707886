/**
 * Version of everything that turns a job's inputs into its result: the mappers, the cost model
 * and the worker. It is part of every job key, so raising it makes reruns solve again instead of
 * reusing results stored by an older version.
 */
export const MODEL_VERSION = 'cosa-sweep-1';

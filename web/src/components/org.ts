/** The select value that stands for "no parent" (a top-level unit). */
export const ORG_ROOT = -1;

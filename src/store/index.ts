/** The session store: append-only JSONL sessions, listing, search and resume. */
export { gitBranch } from './git-branch.js';
export type { ListOptions, SessionListing } from './list.js';
export { findLatestSession, listSessions, readAllSummaries, readSummary, resolveSession } from './list.js';
export type { SessionMetaRecord, SessionRecord } from './records.js';
export { SCHEMA_VERSION } from './records.js';
export type { ResumeData, ResumeRequest } from './resume.js';
export { loadForResume, resumeTarget } from './resume.js';
export type { LoadedSession, LoadStats } from './session-loader.js';
export { loadSessionFile, parseSessionText } from './session-loader.js';
export { listSessionIds, sessionLogPath, sessionSummaryPath } from './session-paths.js';
export type { CompactionInfo, SessionWriterOptions } from './session-writer.js';
export { createSessionWriter, SessionWriter } from './session-writer.js';
export type { SessionSummary } from './summary.js';

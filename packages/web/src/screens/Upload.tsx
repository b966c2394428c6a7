import { useApolloClient } from '@apollo/client/react';
import { type DragEvent, useEffect, useRef, useState } from 'react';
import { storedKey, uploadFiles } from '../api.ts';
import { type Job, JOB_PROGRESS, JOB_QUERY, type JobProgressData } from '../queries.ts';
import { Link, paths } from '../router.tsx';
import { ErrorNote } from '../ui.tsx';

/** Files go up in requests of at most this many files and bytes, one request at a time, each becoming one job. */
const BATCH_FILES = 20;
const BATCH_BYTES = 32 * 1024 * 1024;
/** Without a subscription (a proxy without WebSocket), a job's progress is read this often instead. */
const POLL_MS = 2000;

interface Item {
  id: number;
  file: File;
  sent: number;
  state: 'waiting' | 'uploading' | 'uploaded' | 'failed';
  error?: string;
  jobId?: string;
}

export function Upload({ groupId }: { groupId: string }) {
  const [items, setItems] = useState<Item[]>([]);
  const [user, setUser] = useState('');
  const [dragging, setDragging] = useState(false);
  const running = useRef(false);
  const queue = useRef<Item[]>([]);
  const nextId = useRef(0);

  const update = (ids: number[], change: (item: Item, position: number) => Partial<Item>) =>
    setItems((now) => now.map((item) => (ids.includes(item.id) ? { ...item, ...change(item, ids.indexOf(item.id)) } : item)));

  const work = async () => {
    if (running.current) return;
    running.current = true;
    while (queue.current.length) {
      const batch: Item[] = [];
      let bytes = 0;
      while (
        queue.current.length &&
        batch.length < BATCH_FILES &&
        (batch.length === 0 || bytes + queue.current[0].file.size <= BATCH_BYTES)
      ) {
        const item = queue.current.shift()!;
        bytes += item.file.size;
        batch.push(item);
      }
      const ids = batch.map((item) => item.id);
      update(ids, () => ({ state: 'uploading' }));
      try {
        const answer = await uploadFiles(
          storedKey(),
          groupId,
          batch.map((item) => item.file),
          user.trim(),
          ({ sent }) => update(ids, (_item, position) => ({ sent: sent[position] })),
        );
        update(ids, (item) => ({ state: 'uploaded', sent: item.file.size, jobId: answer.job.id }));
      } catch (error) {
        update(ids, () => ({ state: 'failed', error: error instanceof Error ? error.message : String(error) }));
      }
    }
    running.current = false;
  };

  const add = (files: FileList | null) => {
    const chosen = [...(files ?? [])].filter(
      (file) => file.type.startsWith('image/') || /\.(jpe?g|png|webp|tiff?|gif|avif|heic)$/i.test(file.name),
    );
    const added = chosen.map((file): Item => ({ id: nextId.current++, file, sent: 0, state: 'waiting' }));
    queue.current.push(...added);
    setItems((now) => [...now, ...added]);
    void work();
  };

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  };

  const jobIds = [...new Set(items.flatMap((item) => (item.jobId ? [item.jobId] : [])))];
  return (
    <section aria-labelledby="upload-title">
      <h2 id="upload-title">Upload photos</h2>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping is for the mouse; the file picker inside serves the keyboard */}
      <div
        className={`dropzone${dragging ? ' is-dragging' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <p>Drop photos here, or</p>
        <label className="button primary file-button">
          Choose photos
          <input
            type="file"
            multiple
            accept="image/*"
            className="visually-hidden"
            onChange={(event) => {
              add(event.target.files);
              event.target.value = '';
            }}
          />
        </label>
        <label>
          Taken by (optional)
          <input value={user} maxLength={200} onChange={(event) => setUser(event.target.value)} placeholder="ann" />
        </label>
      </div>
      {items.length > 0 && (
        <>
          <h3>Files</h3>
          <ul className="uploads" aria-label="Files">
            {items.map((item) => (
              <li key={item.id} className={`upload is-${item.state}`}>
                <span className="upload-name">{item.file.name}</span>
                <progress max={item.file.size || 1} value={item.sent} aria-label={`Upload of ${item.file.name}`} />
                <span className="muted upload-state">
                  {item.state === 'uploading' ? `${Math.round((item.sent / (item.file.size || 1)) * 100)}%` : item.state}
                </span>
                {item.error && <ErrorNote error={item.error} />}
              </li>
            ))}
          </ul>
        </>
      )}
      {jobIds.length > 0 && (
        <>
          <h3>Analysis</h3>
          <ul className="jobs" aria-label="Analysis">
            {jobIds.map((jobId) => (
              <JobRow key={jobId} jobId={jobId} />
            ))}
          </ul>
          <p>
            <Link href={paths.group(groupId)}>See the people</Link>
          </p>
        </>
      )}
    </section>
  );
}

const JOB_STATUS_TEXT: Record<Job['status'], string> = {
  QUEUED: 'Queued',
  RUNNING: 'Analysing',
  GROUPING: 'Grouping',
  DONE: 'Done',
};

const finishedOf = (job: Job) => job.analysed + job.duplicates + job.failed;

/** A job's analysis progress, live from the jobProgress subscription (read every 2 s where that is refused). */
function JobRow({ jobId }: { jobId: string }) {
  const client = useApolloClient();
  const [job, setJob] = useState<Job | null>(null);
  const [polling, setPolling] = useState(false);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const read = async () => {
      const result = await client.query<{ job: Job }>({ query: JOB_QUERY, variables: { jobId }, fetchPolicy: 'network-only' });
      const answer = result.data?.job;
      // A subscription event may have come in meanwhile with newer figures.
      if (!stopped && answer) setJob((now) => (now && finishedOf(now) > finishedOf(answer) ? now : answer));
      return answer;
    };
    const poll = async () => {
      const now = await read().catch(() => undefined);
      if (!stopped && now?.status !== 'DONE') timer = setTimeout(poll, POLL_MS);
    };
    const subscription = client.subscribe<JobProgressData>({ query: JOB_PROGRESS, variables: { jobId } }).subscribe({
      next: ({ data }) => {
        if (data) setJob(data.jobProgress);
      },
      error: () => {
        setPolling(true);
        void poll();
      },
    });
    // The state before the first event (a job that is already done sends none).
    void read().catch(() => undefined);
    return () => {
      stopped = true;
      subscription.unsubscribe();
      clearTimeout(timer);
    };
  }, [client, jobId]);

  if (!job) return <li className="job muted">Waiting for the job…</li>;
  const finished = finishedOf(job);
  return (
    <li className={`job is-${job.status.toLowerCase()}`} data-job-id={job.id}>
      <progress max={job.total || 1} value={finished} aria-label="Analysis progress" />
      <span className="job-text">
        {JOB_STATUS_TEXT[job.status]}: {finished} of {job.total} photos
        {job.duplicates > 0 && ` · ${job.duplicates} already in the group`}
        {job.failed > 0 && ` · ${job.failed} failed`}
        {polling && <span className="muted"> (not live: checking every 2 s)</span>}
      </span>
      {job.errors.length > 0 && (
        <ul className="job-errors">
          {job.errors.map((failure) => (
            <li key={failure.key}>
              {failure.key}: {failure.message}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

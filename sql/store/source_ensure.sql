-- Register a feed (or refresh its name, url and interval) without touching its polling state.
INSERT INTO sources (source_id, kind, url, name, domain, language, poll_interval_s)
VALUES ($source_id, $kind, $url, $name, $domain, $language, $interval)
ON CONFLICT (source_id) DO UPDATE SET
    kind = excluded.kind, url = excluded.url, name = excluded.name, domain = excluded.domain,
    language = excluded.language, poll_interval_s = excluded.poll_interval_s;

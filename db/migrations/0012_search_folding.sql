-- Custom SQL migration file, put your code below! ---- Inbox search folds ё into е and keeps each contact's handle whole (server/services/conversations/inbox-search.ts
-- builds the queries). The words of a text: 'simple' full text with ё read as е, so "все" finds "всё".
CREATE OR REPLACE FUNCTION switchboard_terms(t text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT strip(to_tsvector('simple'::regconfig, translate(left(coalesce(t, ''), 100000), 'ёЁ', 'еЕ')))
$$;
--> statement-breakpoint
-- A contact's searchable words: their name's and handle's words, and the handle whole as one lexeme "@handle"
-- (the parser splits "petro_b" into "petro" and "b"; a search for "@petro_b" must find that handle only).
CREATE FUNCTION switchboard_contact_terms(display_name text, username text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT switchboard_terms(coalesce(display_name, '') || ' ' || coalesce(username, ''))
    || CASE WHEN coalesce(username, '') = '' THEN ''::tsvector ELSE array_to_tsvector(ARRAY['@' || lower(left(username, 200))]) END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION switchboard_conversations_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO conversation_terms (conversation_id, terms)
  SELECT n.id, switchboard_contact_terms(c.display_name, c.username)
  FROM new_rows n JOIN contacts c ON c.id = n.contact_id;
  INSERT INTO inbox_count_deltas (company_id, status, assignee_id, line_id, channel_id, team_id, delta)
  SELECT company_id, status, assignee_id, line_id, channel_id, team_id, count(*)
  FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION switchboard_contact_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM switchboard_add_conversation_terms(array_agg(c.id), array_agg(switchboard_contact_terms(NEW.display_name, NEW.username)))
  FROM conversations c WHERE c.contact_id = NEW.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- The terms already stored: words with ё gain their е form, and every conversation gains its contact's handle.
UPDATE conversation_terms t SET terms = switchboard_add_terms(t.terms, f.terms)
FROM (
  SELECT x.conversation_id, array_to_tsvector(array_agg(DISTINCT translate(w, 'ё', 'е'))) AS terms
  FROM conversation_terms x, unnest(tsvector_to_array(x.terms)) AS w
  WHERE w LIKE '%ё%' GROUP BY x.conversation_id
) f
WHERE t.conversation_id = f.conversation_id;
--> statement-breakpoint
UPDATE conversation_term_backlog b SET terms = switchboard_terms(array_to_string(tsvector_to_array(b.terms), ' ')) || b.terms
WHERE array_to_string(tsvector_to_array(b.terms), ' ') LIKE '%ё%';
--> statement-breakpoint
UPDATE conversation_terms t SET terms = switchboard_add_terms(t.terms, array_to_tsvector(ARRAY['@' || lower(left(c.username, 200))]))
FROM conversations v JOIN contacts c ON c.id = v.contact_id
WHERE v.id = t.conversation_id AND coalesce(c.username, '') <> '';

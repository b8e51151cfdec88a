-- 接龙 in ONE statement (issue 12): server/services/relay/join-relay.ts calls linli_join_relay() once
-- per join. Everything the join did in ~20 round trips happens here, in the statement's implicit
-- transaction: replay check (and key mismatch), household scope, the relay window, items and limits,
-- the snapshot sold-out fast path, the admission (FOR SHARE), stock per line with one conditional
-- UPDATE each (in item-id order), the household limit with one conditional upsert, the 接龙号 taken
-- LAST (so a refused join never consumes a number), the order, its lines, the audit row, the
-- household's notifications and the chain NOTIFY (delivered at commit).
-- A refusal raises SQLSTATE LNJ01 with the stable code as message and JSON details; the whole
-- statement rolls back, so nothing of a refused join remains. Before a refusal that a concurrent
-- retry of the same key can cause (its stock, its household units), the key is looked up again: that
-- retry's order is the answer (every statement of a VOLATILE function sees what committed before it).
-- Order status is written here directly (an insert of a new order as pending_payment, or paid when
-- free): listed among the allowed writers in server/services/relay/transitions.ts.

CREATE OR REPLACE FUNCTION linli_join_refuse(p_code text, p_details jsonb DEFAULT '{}'::jsonb)
RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'LNJ01', MESSAGE = p_code, DETAIL = p_details::text;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION linli_join_replayed(
  p_community uuid, p_user uuid, p_key text, p_relay uuid, p_request_hash text
) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  o record;
BEGIN
  SELECT ord.id, ord.relay_id, ord.request_hash, ord.seq, ord.status, ord.total_fen, ord.hold_until,
         ord.on_behalf, ord.door_delivery, ord.chain_version
    INTO o
    FROM orders ord
   WHERE ord.community_id = p_community AND ord.placed_by = p_user AND ord.idempotency_key = p_key;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF o.relay_id <> p_relay THEN
    PERFORM linli_join_refuse('IDEMPOTENCY_KEY_REUSED');
  END IF;
  IF o.request_hash IS NOT NULL AND p_request_hash IS NOT NULL AND o.request_hash <> p_request_hash THEN
    PERFORM linli_join_refuse('IDEMPOTENCY_KEY_MISMATCH');
  END IF;
  RETURN jsonb_build_object(
    'orderId', o.id, 'seq', o.seq, 'status', o.status, 'totalFen', o.total_fen,
    'holdUntil', o.hold_until, 'onBehalf', o.on_behalf, 'doorDelivery', o.door_delivery,
    'version', o.chain_version, 'replayed', true);
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION linli_join_relay(
  p_community uuid,
  p_relay uuid,
  p_household uuid,
  p_user uuid,
  p_user_name text,
  p_key text,
  p_request_hash text,
  p_items uuid[],
  p_qtys integer[],
  p_line_index integer[],
  p_note text,
  p_expected_total bigint,
  p_now timestamptz,
  p_today date,
  p_default_hold_minutes integer,
  p_roles text[],
  p_own_households uuid[],
  p_notify_channel text
) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  v_replay jsonb;
  v_stairwell uuid;
  v_door boolean;
  v_on_behalf boolean;
  v_relay record;
  v_item record;
  v_adm record;
  v_n integer := coalesce(array_length(p_items, 1), 0);
  v_names text[] := '{}';
  v_prices integer[] := '{}';
  v_caps integer[] := '{}';
  v_solds integer[] := '{}';
  v_limits integer[] := '{}';
  v_total bigint := 0;
  v_missing integer := NULL;
  v_missing_item uuid;
  v_i integer;
  v_left integer;
  v_already integer;
  v_seq integer;
  v_version integer;
  v_settings jsonb;
  v_hold_minutes numeric;
  v_hold timestamptz;
  v_free boolean;
  v_order_id uuid;
  v_lines jsonb;
BEGIN
  -- 1. A retry of the same submission answers the first order (a different body is refused).
  v_replay := linli_join_replayed(p_community, p_user, p_key, p_relay, p_request_hash);
  IF v_replay IS NOT NULL THEN
    RETURN v_replay;
  END IF;

  -- 2. Whose order: the caller's own household, or 代下单 by a coordinator / the stairwell's volunteer.
  SELECT h.stairwell_id, coalesce(cp.door_delivery, false)
    INTO v_stairwell, v_door
    FROM households h
    LEFT JOIN care_profiles cp ON cp.community_id = h.community_id AND cp.household_id = h.id
   WHERE h.community_id = p_community AND h.id = p_household
   LIMIT 1;
  IF NOT FOUND THEN
    PERFORM linli_join_refuse('HOUSEHOLD_NOT_FOUND');
  END IF;
  IF p_household = ANY (p_own_households) THEN
    v_on_behalf := false;
  ELSIF p_roles && ARRAY['admin', 'owner']::text[] THEN
    v_on_behalf := true;
  ELSIF 'volunteer' = ANY (p_roles) AND EXISTS (
      SELECT 1 FROM stairwell_assignments sa
       WHERE sa.community_id = p_community AND sa.user_id = p_user AND sa.stairwell_id = v_stairwell) THEN
    v_on_behalf := true;
  ELSE
    PERFORM linli_join_refuse('HOUSEHOLD_NOT_FOUND');
  END IF;

  -- 3. The relay and its window.
  SELECT r.status, r.opens_at, r.closes_at, r.merchant_id, r.title
    INTO v_relay
    FROM relays r
   WHERE r.community_id = p_community AND r.id = p_relay;
  IF NOT FOUND THEN
    PERFORM linli_join_refuse('RELAY_NOT_FOUND');
  END IF;
  IF v_relay.status <> 'open' OR p_now < v_relay.opens_at OR p_now >= v_relay.closes_at THEN
    PERFORM linli_join_refuse('RELAY_NOT_JOINABLE', jsonb_build_object(
      'status', v_relay.status, 'opensAt', v_relay.opens_at, 'closesAt', v_relay.closes_at));
  END IF;

  -- 4. The items (snapshot): each belongs to the relay; one line above the limit is refused at once.
  FOR v_i IN 1 .. v_n LOOP
    SELECT ri.name, ri.unit_price_fen, ri.stock_cap, ri.sold, ri.per_household_limit
      INTO v_item
      FROM relay_items ri
     WHERE ri.community_id = p_community AND ri.relay_id = p_relay AND ri.id = p_items[v_i];
    IF NOT FOUND THEN
      IF v_missing IS NULL OR p_line_index[v_i] < v_missing THEN
        v_missing := p_line_index[v_i];
        v_missing_item := p_items[v_i];
      END IF;
      CONTINUE;
    END IF;
    v_names := v_names || v_item.name;
    v_prices := v_prices || v_item.unit_price_fen;
    v_caps := v_caps || v_item.stock_cap;
    v_solds := v_solds || v_item.sold;
    v_limits := v_limits || v_item.per_household_limit;
    v_total := v_total + p_qtys[v_i]::bigint * v_item.unit_price_fen;
  END LOOP;
  IF v_missing IS NOT NULL THEN
    PERFORM linli_join_refuse('RELAY_ITEM_NOT_IN_RELAY',
      jsonb_build_object('relayItemId', v_missing_item, 'index', v_missing));
  END IF;
  FOR v_i IN 1 .. v_n LOOP
    IF v_limits[v_i] IS NOT NULL AND p_qtys[v_i] > v_limits[v_i] THEN
      PERFORM linli_join_refuse('RELAY_HOUSEHOLD_LIMIT', jsonb_build_object(
        'relayItemId', p_items[v_i], 'itemName', v_names[v_i], 'limit', v_limits[v_i], 'already', 0));
    END IF;
  END LOOP;
  IF p_expected_total IS NOT NULL AND p_expected_total <> v_total THEN
    PERFORM linli_join_refuse('ORDER_TOTAL_MISMATCH', jsonb_build_object('totalFen', v_total));
  END IF;
  -- Sold out from the snapshot: in a flash crowd most joins are refusals, and this spares them the
  -- row locks. Stock only comes back through cancellations, so this was true when it was read.
  FOR v_i IN 1 .. v_n LOOP
    IF v_caps[v_i] IS NOT NULL AND v_caps[v_i] - v_solds[v_i] < p_qtys[v_i] THEN
      v_replay := linli_join_replayed(p_community, p_user, p_key, p_relay, p_request_hash);
      IF v_replay IS NOT NULL THEN
        RETURN v_replay;
      END IF;
      PERFORM linli_join_refuse('RELAY_SOLD_OUT', jsonb_build_object(
        'relayItemId', p_items[v_i], 'itemName', v_names[v_i],
        'remaining', greatest(0, v_caps[v_i] - v_solds[v_i])));
    END IF;
  END LOOP;

  -- 5. The merchant is admitted here today (FOR SHARE: a suspend waits for joins past this check).
  SELECT a.status, m.food_permit_expires_on, m.vehicle_pass_expires_on
    INTO v_adm
    FROM admissions a
    JOIN merchants m ON m.id = a.merchant_id
   WHERE a.community_id = p_community AND a.merchant_id = v_relay.merchant_id
   LIMIT 1
     FOR SHARE OF a;
  IF NOT FOUND THEN
    PERFORM linli_join_refuse('ADMISSION_NOT_APPROVED');
  ELSIF v_adm.status = 'approved' THEN
    IF v_adm.food_permit_expires_on < p_today OR v_adm.vehicle_pass_expires_on < p_today THEN
      PERFORM linli_join_refuse('ADMISSION_EXPIRED');
    END IF;
  ELSIF v_adm.status = 'expired' THEN
    PERFORM linli_join_refuse('ADMISSION_EXPIRED');
  ELSIF v_adm.status = 'suspended' THEN
    PERFORM linli_join_refuse('ADMISSION_SUSPENDED');
  ELSE
    PERFORM linli_join_refuse('ADMISSION_NOT_APPROVED');
  END IF;

  -- 6. Stock, then the household's units, line by line in item-id order (the lock order).
  FOR v_i IN 1 .. v_n LOOP
    UPDATE relay_items ri SET sold = ri.sold + p_qtys[v_i]
     WHERE ri.community_id = p_community AND ri.id = p_items[v_i] AND ri.relay_id = p_relay
       AND (ri.stock_cap IS NULL OR ri.sold + p_qtys[v_i] <= ri.stock_cap);
    IF NOT FOUND THEN
      v_replay := linli_join_replayed(p_community, p_user, p_key, p_relay, p_request_hash);
      IF v_replay IS NOT NULL THEN
        RETURN v_replay;
      END IF;
      SELECT greatest(0, ri.stock_cap - ri.sold) INTO v_left
        FROM relay_items ri WHERE ri.community_id = p_community AND ri.id = p_items[v_i];
      PERFORM linli_join_refuse('RELAY_SOLD_OUT', jsonb_build_object(
        'relayItemId', p_items[v_i], 'itemName', v_names[v_i], 'remaining', coalesce(v_left, 0)));
    END IF;
    IF v_limits[v_i] IS NOT NULL THEN
      INSERT INTO household_item_totals AS t (community_id, relay_item_id, household_id, qty)
      VALUES (p_community, p_items[v_i], p_household, p_qtys[v_i])
      ON CONFLICT (community_id, relay_item_id, household_id)
      DO UPDATE SET qty = t.qty + excluded.qty
       WHERE t.qty + excluded.qty <= v_limits[v_i];
      IF NOT FOUND THEN
        v_replay := linli_join_replayed(p_community, p_user, p_key, p_relay, p_request_hash);
        IF v_replay IS NOT NULL THEN
          RETURN v_replay;
        END IF;
        SELECT t.qty INTO v_already FROM household_item_totals t
         WHERE t.community_id = p_community AND t.relay_item_id = p_items[v_i] AND t.household_id = p_household;
        PERFORM linli_join_refuse('RELAY_HOUSEHOLD_LIMIT', jsonb_build_object(
          'relayItemId', p_items[v_i], 'itemName', v_names[v_i], 'limit', v_limits[v_i],
          'already', coalesce(v_already, 0)));
      END IF;
    END IF;
  END LOOP;

  -- 7. The 接龙号, last, guarded by the relay still being open: accepted orders are gap-free.
  UPDATE relays r SET next_seq = r.next_seq + 1, chain_version = r.chain_version + 1, updated_at = p_now
   WHERE r.community_id = p_community AND r.id = p_relay
     AND r.status = 'open' AND r.opens_at <= p_now AND r.closes_at > p_now
  RETURNING r.next_seq - 1, r.chain_version INTO v_seq, v_version;
  IF NOT FOUND THEN
    SELECT r.status, r.opens_at, r.closes_at INTO v_relay
      FROM relays r WHERE r.community_id = p_community AND r.id = p_relay;
    PERFORM linli_join_refuse('RELAY_NOT_JOINABLE', jsonb_build_object(
      'status', v_relay.status, 'opensAt', v_relay.opens_at, 'closesAt', v_relay.closes_at));
  END IF;

  -- 8. The order, its lines, the audit row, the household's notifications.
  SELECT c.settings INTO v_settings FROM communities c WHERE c.id = p_community;
  v_hold_minutes := CASE
    WHEN jsonb_typeof(v_settings -> 'unpaidHoldMinutes') = 'number'
     AND (v_settings ->> 'unpaidHoldMinutes')::numeric > 0
    THEN (v_settings ->> 'unpaidHoldMinutes')::numeric
    ELSE p_default_hold_minutes END;
  v_free := v_total = 0;
  v_hold := CASE WHEN v_free THEN NULL ELSE p_now + v_hold_minutes * interval '1 minute' END;
  INSERT INTO orders (community_id, relay_id, seq, household_id, placed_by, on_behalf, door_delivery,
                      status, total_fen, idempotency_key, request_hash, hold_until, paid_at,
                      chain_version, note)
  VALUES (p_community, p_relay, v_seq, p_household, p_user, v_on_behalf, v_door,
          CASE WHEN v_free THEN 'paid' ELSE 'pending_payment' END::order_status, v_total, p_key,
          p_request_hash, v_hold, CASE WHEN v_free THEN p_now END, v_version, coalesce(p_note, ''))
  RETURNING id INTO v_order_id;
  INSERT INTO order_lines (community_id, order_id, relay_item_id, qty, unit_price_fen)
  SELECT p_community, v_order_id, u.item, u.qty, u.price
    FROM unnest(p_items, p_qtys, v_prices) AS u(item, qty, price);
  SELECT jsonb_agg(jsonb_build_object('relayItemId', u.item, 'qty', u.qty, 'unitPriceFen', u.price)
                   ORDER BY u.ord)
    INTO v_lines
    FROM unnest(p_items, p_qtys, v_prices) WITH ORDINALITY AS u(item, qty, price, ord);
  INSERT INTO audit_log (community_id, actor_user_id, action, entity_type, entity_id, before, after)
  VALUES (p_community, p_user,
          CASE WHEN v_on_behalf THEN 'order.placed_on_behalf' ELSE 'order.placed' END,
          'order', v_order_id::text, NULL,
          jsonb_build_object('relayId', p_relay, 'seq', v_seq, 'householdId', p_household,
                             'totalFen', v_total, 'lines', v_lines, 'doorDelivery', v_door));
  INSERT INTO notifications (community_id, user_id, kind, payload)
  SELECT p_community, u.user_id, 'order.placed', jsonb_build_object(
           'orderId', v_order_id, 'relayId', p_relay, 'relayTitle', v_relay.title, 'seq', v_seq,
           'totalFen', v_total,
           'amount', '¥' || (v_total / 100)::text || '.' || lpad((v_total % 100)::text, 2, '0'),
           'onBehalf', v_on_behalf,
           'placedByName', CASE WHEN v_on_behalf THEN p_user_name END,
           -- The volunteer who ordered goes back to their list; the household to its orders.
           'href', CASE WHEN v_on_behalf AND u.user_id = p_user
                        THEN '/v/' || p_community::text || '/order-for'
                        ELSE '/r/' || p_community::text || '/orders' END)
    FROM (SELECT m.user_id FROM memberships m
           WHERE m.community_id = p_community AND m.household_id = p_household AND m.role = 'resident'
          UNION
          SELECT p_user) AS u;

  -- 9. The live chain's doorbell, delivered at commit (PGlite: the caller rings in-process).
  IF p_notify_channel IS NOT NULL THEN
    PERFORM pg_notify(p_notify_channel, jsonb_build_object(
      'communityId', p_community, 'relayId', p_relay, 'version', v_version)::text);
  END IF;

  RETURN jsonb_build_object(
    'orderId', v_order_id, 'seq', v_seq,
    'status', CASE WHEN v_free THEN 'paid' ELSE 'pending_payment' END,
    'totalFen', v_total, 'holdUntil', v_hold, 'onBehalf', v_on_behalf, 'doorDelivery', v_door,
    'version', v_version, 'replayed', false);
END
$fn$;

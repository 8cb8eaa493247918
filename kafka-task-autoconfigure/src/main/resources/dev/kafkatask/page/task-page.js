// The task page of kafka-task: reads the kafkatasks actuator endpoint and renders it.
// Every value from the server goes into the page as text (createTextNode / textContent),
// never as HTML: a task argument, result or error that holds markup shows as typed.
'use strict';

(function () {
	const POLL_MILLIS = 2000;
	// the main read asks brokers (lag, RabbitMQ depth, the beat's leader): every 5th poll
	const MAIN_EVERY = 5;
	const LATEST_LIMIT = 50;
	const STATES = ['dispatched', 'received', 'started', 'retried', 'succeeded', 'failed', 'expired',
		'dead-lettered', 'revoked'];

	const body = document.body;
	const api = body.dataset.api || '';
	const writesOpen = body.dataset.writes === 'open';

	let cycle = 0;
	let main = null;
	let selected = null;

	// --- DOM, text only ---------------------------------------------------------------

	function el(tag, className, ...children) {
		const node = document.createElement(tag);
		if (className) {
			node.className = className;
		}
		for (const child of children) {
			if (child === null || child === undefined) {
				continue;
			}
			node.append(child instanceof Node ? child : document.createTextNode(String(child)));
		}
		return node;
	}

	function cell(value, className) {
		const empty = value === null || value === undefined || value === '';
		return el('td', empty ? 'empty' : (className || ''), empty ? '–' : value);
	}

	function number(value) {
		return el('td', 'number', String(value));
	}

	function failures(count) {
		return el('td', count > 0 ? 'number bad' : 'number', String(count));
	}

	function rows(table, list, render, emptyText) {
		const tbody = document.createElement('tbody');
		if (list.length === 0) {
			const td = el('td', 'empty', emptyText);
			td.colSpan = table.tHead.rows[0].cells.length;
			tbody.append(el('tr', null, td));
		}
		for (const item of list) {
			tbody.append(render(item));
		}
		table.tBodies[0].replaceWith(tbody);
	}

	function stateBadge(state) {
		const known = STATES.includes(state);
		return el('span', known ? 'state state-' + state : 'state', state);
	}

	function time(iso) {
		if (!iso) {
			return '';
		}
		const date = new Date(iso);
		return isNaN(date) ? String(iso) : date.toLocaleTimeString([], { hour12: false });
	}

	function ago(iso) {
		const millis = Date.now() - new Date(iso).getTime();
		if (isNaN(millis)) {
			return String(iso);
		}
		const seconds = Math.max(0, Math.round(millis / 1000));
		return seconds < 120 ? seconds + ' s ago' : Math.round(seconds / 60) + ' min ago';
	}

	function idButton(id) {
		const button = el('button', 'link', id);
		button.type = 'button';
		button.title = 'Show task ' + id;
		button.addEventListener('click', () => showTask(id));
		return button;
	}

	// --- HTTP ---------------------------------------------------------------------------

	async function call(path, options) {
		const init = Object.assign({ headers: { Accept: 'application/json' }, cache: 'no-store',
			credentials: 'same-origin' }, options || {});
		let response;
		try {
			response = await fetch(api + path, init);
		}
		catch (failure) {
			return { ok: false, status: 0, message: 'The application did not answer: ' + failure.message };
		}
		const text = await response.text();
		let json = null;
		try {
			json = text ? JSON.parse(text) : null;
		}
		catch (ignored) {
			json = null;
		}
		return { ok: response.ok, status: response.status, json: json,
			message: response.ok ? '' : failureMessage(response, json, text, init.method === 'POST') };
	}

	function failureMessage(response, json, text, write) {
		let message = 'HTTP ' + response.status + (response.statusText ? ' ' + response.statusText : '');
		const said = json && (json.message || json.detail || json.error);
		if (said) {
			message += ': ' + said;
		}
		else if (text) {
			message += ': ' + text.slice(0, 300);
		}
		if (write && (response.status === 404 || response.status === 405)) {
			message += writesOpen
				? ' (the endpoint has no such write operation in this version of kafka-task)'
				: ' (writes are not open: the kafkatasks endpoint is read-only;'
					+ ' management.endpoint.kafkatasks.access=unrestricted opens them)';
		}
		return message.trim();
	}

	function post(path, payload) {
		return call(path, { method: 'POST', body: JSON.stringify(payload),
			headers: { Accept: 'application/json', 'Content-Type': 'application/json' } });
	}

	function answer(target, result, summary) {
		const box = el('div', result.ok ? 'answer' : 'answer error',
			result.ok ? (summary || 'Done') : result.message);
		if (result.ok && result.json !== null) {
			box.append(el('pre', null, JSON.stringify(result.json, null, 2)));
		}
		target.replaceChildren(box);
	}

	// --- polling ------------------------------------------------------------------------

	async function poll() {
		if (document.hidden) {
			setTimeout(poll, POLL_MILLIS);
			return;
		}
		try {
			await refresh();
		}
		catch (failure) {
			showProblems(['The page failed to render: ' + failure.message]);
		}
		finally {
			setTimeout(poll, POLL_MILLIS);
		}
	}

	async function refresh() {
		const wantMain = cycle % MAIN_EVERY === 0;
		cycle++;
		const [activity, latest, overview] = await Promise.all([call('/activity'),
			call('/tasks?limit=' + LATEST_LIMIT), wantMain ? call('') : Promise.resolve(null)]);
		const problems = [];
		if (overview) {
			if (overview.ok) {
				main = overview.json;
			}
			else {
				problems.push('Endpoint: ' + overview.message);
			}
		}
		if (activity.ok) {
			renderActivity(activity.json);
		}
		else {
			problems.push('Activity: ' + activity.message);
		}
		if (latest.ok) {
			renderLatest(latest.json.tasks || []);
		}
		else {
			problems.push('Latest tasks: ' + latest.message);
		}
		if (selected && !selected.done) {
			await showTask(selected.id, true);
		}
		showProblems(problems);
		document.getElementById('status').textContent = 'updated ' + time(new Date().toISOString())
			+ ', every ' + (POLL_MILLIS / 1000) + ' s';
	}

	function showProblems(problems) {
		const box = document.getElementById('problem');
		box.textContent = problems.join('\n');
		box.hidden = problems.length === 0;
	}

	// --- rendering ----------------------------------------------------------------------

	function renderActivity(activity) {
		document.getElementById('instance').textContent = 'this instance: ' + activity.instance;
		const minutes = activity.windowSeconds / 60;
		const tasks = activity.tasks || [];
		const workers = activity.workers || [];
		const consumers = activity.consumers || [];
		const sum = (list, field) => list.reduce((total, item) => total + (item[field] || 0), 0);
		const events = (task, type) => (task.events && task.events[type]) || 0;
		renderSummary([
			[sum(tasks, 'perSecond').toFixed(1), 'tasks ended / s'],
			[tasks.reduce((total, task) => total + task.failures, 0) / minutes, 'failures / min'],
			[tasks.reduce((total, task) => total + events(task, 'retried'), 0) / minutes, 'retries / min'],
			[sum(consumers, 'inFlight'), 'in flight here'],
			[workers.filter((worker) => worker.worker).length, 'workers']
		]);
		rows(document.getElementById('workers'), workers, (worker) => el('tr', null,
			cell(worker.name + (worker.name === activity.instance ? ' (this instance)' : '')),
			cell(worker.worker ? 'worker' : 'dispatcher'),
			cell((worker.queues || []).join(', ')),
			number(worker.done / minutes), number(worker.dispatched / minutes),
			cell(ago(worker.lastSeen))), 'No task events in the last 5 minutes');
		const lags = new Map();
		for (const consumer of (main && main.consumers) || []) {
			lags.set(consumer.backend + '/' + consumer.queue, consumer);
		}
		rows(document.getElementById('consumers'), consumers, (consumer) => {
			const known = lags.get(consumer.backend + '/' + consumer.queue);
			return el('tr', null, cell(consumer.backend), cell(consumer.queue), cell(consumer.state),
				number(consumer.inFlight), known && known.lag >= 0 ? number(known.lag) : cell(''),
				partitions(known ? known.assignment || [] : []));
		}, 'This instance consumes no queue');
		renderTasks(tasks, events);
	}

	function partitions(assignment) {
		if (assignment.length === 0) {
			return cell('');
		}
		const td = cell(assignment.length + (assignment.length === 1 ? ' partition' : ' partitions'));
		td.title = assignment.join(', ');
		return td;
	}

	function renderSummary(cards) {
		document.getElementById('summary').replaceChildren(...cards.map(([value, label]) =>
			el('div', 'card', el('div', 'value', typeof value === 'number' ? String(Math.round(value * 10) / 10) : value),
				el('div', 'label', label))));
	}

	function renderTasks(counted, events) {
		const byName = new Map();
		for (const task of (main && main.tasks) || []) {
			byName.set(task.name, { task: task.name, queue: task.queue, perSecond: 0, failures: 0, events: {} });
		}
		for (const task of counted) {
			const registered = byName.get(task.task);
			byName.set(task.task, Object.assign({ queue: registered ? registered.queue : null }, task));
		}
		const list = [...byName.values()].sort((a, b) => (b.perSecond - a.perSecond)
			|| (events(b, 'dispatched') - events(a, 'dispatched')) || a.task.localeCompare(b.task));
		rows(document.getElementById('tasks'), list, (task) => el('tr', null, cell(task.task),
			cell(task.queue || '(default)'),
			number(task.perSecond.toFixed(2)), number(events(task, 'succeeded')), failures(task.failures),
			number(events(task, 'retried')), number(events(task, 'dispatched'))),
			'No task events in the last minute');
		renderQueues();
	}

	// the queues offered for dead letters: of the tasks, and of the chosen backend's consumers
	function renderQueues() {
		const queues = new Set();
		for (const task of (main && main.tasks) || []) {
			if (task.queue) {
				queues.add(task.queue);
			}
		}
		renderDeadLetterBackends();
		renderDeadLetterClusters();
		const backend = deadLetterBackend() || 'kafka';
		for (const consumer of (main && main.consumers) || []) {
			if (consumer.backend === backend) {
				queues.add(consumer.queue);
			}
		}
		document.getElementById('queues').replaceChildren(...[...queues].sort().map((queue) => {
			const option = document.createElement('option');
			option.value = queue;
			return option;
		}));
	}

	// the backends whose dead letters the endpoint lists: a choice when there are two
	function renderDeadLetterBackends() {
		const backends = (main && main.deadLetterBackends) || [];
		const select = document.getElementById('deadletters').elements.backend;
		if (backends.join(',') === [...select.options].map((option) => option.value).join(',')) {
			return;
		}
		const chosen = select.value;
		select.replaceChildren(...backends.map((backend) => {
			const option = el('option', null, backend);
			option.value = backend;
			option.selected = backend === chosen;
			return option;
		}));
		document.getElementById('deadletters-backend').hidden = backends.length < 2;
	}

	function deadLetterBackend() {
		const value = document.getElementById('deadletters').elements.backend.value;
		return value === '' ? null : value;
	}

	// the Kafka clusters whose dead letters the endpoint lists: a choice when there are two,
	// for Kafka's dead letters only
	function renderDeadLetterClusters() {
		const clusters = (main && main.deadLetterClusters) || [];
		const select = document.getElementById('deadletters').elements.cluster;
		if (clusters.join(',') !== [...select.options].map((option) => option.value).join(',')) {
			const chosen = select.value;
			select.replaceChildren(...clusters.map((cluster) => {
				const option = el('option', null, cluster);
				option.value = cluster;
				option.selected = cluster === chosen;
				return option;
			}));
		}
		document.getElementById('deadletters-cluster').hidden = clusters.length < 2
				|| deadLetterBackend() === 'rabbitmq';
	}

	function deadLetterCluster() {
		const value = document.getElementById('deadletters').elements.cluster.value;
		return value === '' || deadLetterBackend() === 'rabbitmq' ? null : value;
	}

	function renderLatest(tasks) {
		rows(document.getElementById('latest'), tasks, (task) => el('tr', null,
			el('td', null, idButton(task.id)), cell(task.task), el('td', null, stateBadge(task.state)),
			cell(task.queue), cell(task.worker), cell(time(task.updated)),
			cell(task.error || task.reason || (task.result === 'null' ? null : task.result), 'text')),
			'No task events read yet');
	}

	// --- one task -----------------------------------------------------------------------

	async function showTask(id, refresh) {
		const detail = document.getElementById('detail');
		if (!refresh) {
			history.replaceState(null, '', '#task=' + encodeURIComponent(id));
		}
		const result = await call('/tasks/' + encodeURIComponent(id));
		if (refresh && (!selected || selected.id !== id)) {
			return;
		}
		detail.hidden = false;
		document.getElementById('latest-area').classList.add('with-detail');
		const close = el('button', null, 'Close');
		close.type = 'button';
		close.addEventListener('click', () => {
			selected = null;
			history.replaceState(null, '', location.pathname + location.search);
			detail.hidden = true;
			detail.replaceChildren();
			document.getElementById('latest-area').classList.remove('with-detail');
		});
		const heading = el('h3', null, 'Task ', el('code', null, id), ' ', close);
		if (!result.ok) {
			// a task not read yet may come: ask again with the next poll
			selected = { id: id, done: result.status !== 404 };
			const text = result.status === 404
				? 'No event of this task was read: never dispatched, older than what this instance reads'
					+ ' (kafka-task.events.read-back), or not arrived yet.'
				: result.message;
			detail.replaceChildren(heading, el('div', 'answer error', text));
			return;
		}
		const task = result.json;
		const done = ['succeeded', 'failed', 'expired', 'dead-lettered', 'revoked'].includes(task.state);
		const keep = refresh && selected && selected.answer ? selected.answer : el('div');
		selected = { id: id, done: done, answer: keep };
		const fields = el('dl');
		const add = (name, value, className) => {
			if (value !== null && value !== undefined && value !== '') {
				fields.append(el('dt', null, name), el('dd', className || null, value));
			}
		};
		add('task', task.task);
		add('state', stateBadge(task.state));
		add('queue', task.queue + ' (' + task.backend + ')');
		add('worker', task.worker);
		add('updated', time(task.updated) + ' (' + task.updated + ')');
		add('attempt', task.attempt);
		add('arguments', task.arguments, 'text');
		add('result', task.result, 'text');
		add('error', task.error, 'text');
		add('reason', task.reason);
		const events = el('table', null, el('thead', null, el('tr', null, el('th', null, 'event'),
			el('th', null, 'at'), el('th', null, 'worker'), el('th', null, 'attempt'),
			el('th', null, 'error or reason'))), el('tbody'));
		rows(events, task.history || [], (event) => el('tr', null, el('td', null, stateBadge(event.type)),
			cell(time(event.at)), cell(event.worker), number(event.attempt),
			cell(event.error || event.reason, 'text')), 'No history');
		detail.replaceChildren(heading, fields, events, revokeForm(id, keep), keep);
	}

	function revokeForm(id, target) {
		const form = el('form', 'inline');
		const terminate = document.createElement('input');
		terminate.type = 'checkbox';
		terminate.name = 'terminate';
		const button = el('button', 'write', 'Revoke');
		button.type = 'submit';
		form.append(el('label', 'check', terminate, ' terminate if running'), button,
			el('span', 'muted', writesOpen ? 'writes are open' : 'read-only: a revoke will be refused'));
		form.addEventListener('submit', async (event) => {
			event.preventDefault();
			button.disabled = true;
			const result = await post('/revoke/' + encodeURIComponent(id), { terminate: terminate.checked });
			button.disabled = false;
			answer(target, result, 'Revoke of ' + id + ' sent');
		});
		return form;
	}

	// --- dead letters -------------------------------------------------------------------

	function filters(form) {
		const value = (name) => {
			const text = form.elements[name].value.trim();
			return text === '' ? null : text;
		};
		return { reason: value('reason'), task: value('task'), taskId: value('taskId'), from: value('from'),
			to: value('to'), limit: value('limit') };
	}

	async function deadLetters(event) {
		event.preventDefault();
		const form = event.target;
		const target = document.getElementById('deadletters-answer');
		const queue = form.elements.queue.value.trim();
		const chosen = filters(form);
		const backend = deadLetterBackend();
		const cluster = deadLetterCluster();
		const action = event.submitter ? event.submitter.value : 'list';
		if (action === 'redrive') {
			const result = await post('/redrive/' + encodeURIComponent(queue), { backend: backend, cluster: cluster,
				reason: chosen.reason, task: chosen.task, taskId: chosen.taskId, from: chosen.from, to: chosen.to,
				dryRun: form.elements.dryRun.checked });
			const summary = result.ok ? (result.json.dryRun ? 'Dry run: would redrive ' : 'Redrove ')
				+ result.json.redriven.length + ', skipped ' + result.json.skippedCount + ', scanned '
				+ result.json.scanned + (result.json.complete ? '' : ' (not complete: more to redrive)') : '';
			answer(target, result, summary);
			return;
		}
		const query = new URLSearchParams();
		if (backend !== null) {
			query.set('backend', backend);
		}
		if (cluster !== null) {
			query.set('cluster', cluster);
		}
		for (const [name, value] of Object.entries(chosen)) {
			if (value !== null) {
				query.set(name, value);
			}
		}
		const result = await call('/deadletters/' + encodeURIComponent(queue) + '?' + query);
		if (!result.ok) {
			answer(target, result);
			return;
		}
		const list = result.json;
		const table = el('table', null, el('thead', null, el('tr', null, ...['task id', 'task', 'reason', 'message',
			'dead-lettered', 'attempts', 'redrives', 'redriven', 'record'].map((name) => el('th', null, name)))),
			el('tbody'));
		rows(table, list.deadLetters || [], (letter) => el('tr', null,
			letter.taskId ? el('td', null, idButton(letter.taskId)) : cell(''), cell(letter.task), cell(letter.reason),
			cell(letter.message, 'text'), cell(time(letter.deadLetteredAt)), number(letter.attempts),
			number(letter.redriveCount), cell(time(letter.redrivenAt)), cell(position(letter))),
			'No dead letters match');
		const read = backend === 'rabbitmq' ? ' message(s) of ' + list.queue + '.dlq read' : ' record(s) read';
		target.replaceChildren(el('p', 'muted', (list.deadLetters || []).length + ' dead letter(s) of ' + list.queue
			+ ', ' + list.scanned + read + (list.complete ? '' : ', more match than listed')), table);
	}

	// a record of a dead-letter topic, or a message's place in a dead-letter queue (no partition)
	function position(letter) {
		return letter.partition < 0 ? letter.topic + ' #' + letter.offset
			: letter.topic + '-' + letter.partition + '@' + letter.offset;
	}

	// --- start --------------------------------------------------------------------------

	function start() {
		const badge = document.getElementById('writes');
		badge.textContent = writesOpen ? 'writes open' : 'read-only';
		badge.classList.toggle('open', writesOpen);
		badge.title = writesOpen ? 'Redrive and revoke are allowed: management.endpoint.kafkatasks.access'
			: 'Redrive and revoke are refused: management.endpoint.kafkatasks.access=unrestricted opens them';
		if (!api) {
			document.getElementById('status').textContent = '';
			showProblems(['The kafkatasks actuator endpoint is not exposed over HTTP: add kafkatasks to'
				+ ' management.endpoints.web.exposure.include.']);
			return;
		}
		document.getElementById('lookup').addEventListener('submit', (event) => {
			event.preventDefault();
			const id = event.target.elements.id.value.trim();
			if (id) {
				showTask(id);
			}
		});
		document.getElementById('deadletters').addEventListener('submit', deadLetters);
		document.getElementById('deadletters').elements.backend.addEventListener('change', renderQueues);
		// #task=<id> opens a task, as a link to it
		if (location.hash.startsWith('#task=')) {
			let id = null;
			try {
				id = decodeURIComponent(location.hash.slice('#task='.length));
			}
			catch (ignored) {
				id = null;
			}
			if (id) {
				showTask(id);
			}
		}
		poll();
	}

	start();
})();

// The speaker's answer page. The token is the link's fragment (after #), which the browser never
// sends anywhere; the page sends it to the API in a header and shows the invitation it belongs to.
(function () {
  'use strict';
  const token = decodeURIComponent(location.hash.replace(/^#/, ''));
  const $ = (id) => document.getElementById(id);

  async function call(method, path, body) {
    const res = await fetch(`/api/v1/invitation-link${path}`, {
      method,
      headers: { 'Invitation-Token': token, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.detail || `The service answered ${res.status}`);
    return data;
  }

  function show(view) {
    $('loading').hidden = true;
    $('details').hidden = false;
    $('speaker').textContent = view.speakerName;
    $('talk').textContent = `${view.slot.title} (${view.slot.talkType}, ${view.slot.durationMinutes} minutes)`;
    $('conference').textContent = `${view.conference.name}, ${view.conference.startDate} to ${view.conference.endDate}`;
    $('when').textContent = view.slot.startsLocal || 'during the conference; the exact time follows';
    $('where').textContent = [view.slot.room, view.conference.location].filter(Boolean).join(', ') || 'to be announced';
    $('respond-by').textContent = view.respondBy ? new Date(view.respondBy).toUTCString() : '';
    $('status').textContent = view.status;
    $('status').className = `status-${view.status}`;
    $('answer').hidden = !view.canAnswer;
    document.body.dataset.status = view.status;
    if (view.answeredWithThisLink) {
      $('outcome').hidden = false;
      $('outcome').textContent = view.answeredWithThisLink === 'accepted'
        ? 'Thank you: you have accepted. A confirmation with a calendar file is on its way.'
        : 'Thank you for letting the committee know: you have declined.';
    }
  }

  function fail(error) {
    $('loading').hidden = true;
    $('error').hidden = false;
    $('error').textContent = error.message;
    document.body.dataset.status = 'error';
  }

  async function answer(kind) {
    $('accept').disabled = true;
    $('decline').disabled = true;
    const reason = $('reason').value.trim();
    const category = $('category').value;
    try {
      const body = kind === 'decline' && (reason || category)
        ? { ...(reason ? { reason } : {}), ...(category ? { category } : {}) } : undefined;
      show(await call('POST', `/${kind}`, body));
    } catch (error) {
      fail(error);
    }
  }

  $('accept').addEventListener('click', () => answer('accept'));
  $('decline').addEventListener('click', () => answer('decline'));
  if (!token) fail(new Error('This page needs the link from your invitation mail.'));
  else call('GET', '').then(show, fail);
}());

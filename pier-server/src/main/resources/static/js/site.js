// The site page: publishing, releases, the file manager, backups and the SFTP box, all through Pier's REST API (the panel's
// session and its CSRF token authenticate the calls).
(() => {
  'use strict';
  const page = document.getElementById('site-page');
  const site = page.dataset.site;
  const user = page.dataset.user;
  const csrf = {[page.dataset.csrfHeader]: page.dataset.csrf};
  const siteApi = '/api/v1/sites/' + encodeURIComponent(site);
  const $ = id => document.getElementById(id);

  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c);
    return e;
  }

  /** What went wrong, as the API's problem details say it. */
  async function problem(response) {
    try {
      const p = await response.json();
      return p.detail || p.title || response.statusText;
    } catch (e) {
      return response.status + ' ' + response.statusText;
    }
  }

  async function call(method, path, body, type) {
    const headers = {...csrf, 'Accept': 'application/json'};
    if (type) headers['Content-Type'] = type;
    const r = await fetch(path, {method, headers, body, credentials: 'same-origin'});
    if (!r.ok) throw new Error(await problem(r));
    return r.status === 204 ? null : (r.headers.get('Content-Type') || '').includes('json') ? r.json() : r.text();
  }

  /** An upload with a progress bar; resolves with the answer's JSON. */
  function upload(method, path, body, type, bar) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, path);
      for (const [k, v] of Object.entries(csrf)) xhr.setRequestHeader(k, v);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('Content-Type', type);
      bar.classList.remove('d-none');
      xhr.upload.onprogress = e => { if (e.lengthComputable) bar.firstElementChild.style.width = (100 * e.loaded / e.total) + '%'; };
      xhr.onload = () => {
        bar.classList.add('d-none');
        let json = null;
        try { json = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (xhr.status >= 200 && xhr.status < 300) resolve(json);
        else reject(new Error(json && (json.detail || json.title) || xhr.status + ' ' + xhr.statusText));
      };
      xhr.onerror = () => { bar.classList.add('d-none'); reject(new Error('the upload was cut off')); };
      xhr.send(body);
    });
  }

  function say(target, text, ok) {
    target.replaceChildren(el('span', {class: ok ? 'text-success' : 'text-danger'}, text));
  }

  const size = n => n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KiB' : (n / 1048576).toFixed(1) + ' MiB';
  const when = t => new Date(t).toLocaleString();

  // --- A folder becomes one uncompressed tar (ustar), published like an archive.

  async function tar(files) {
    const parts = [];
    const enc = new TextEncoder();
    const field = (h, off, len, s) => h.set(enc.encode(s).slice(0, len), off);
    const octal = (n, len) => n.toString(8).padStart(len - 1, '0');
    for (const f of files) {
      const full = enc.encode(f.path);
      let name = f.path, prefix = '';
      if (full.length > 100) {
        const cut = f.path.lastIndexOf('/', 154);
        prefix = f.path.slice(0, cut);
        name = f.path.slice(cut + 1);
      }
      const h = new Uint8Array(512);
      field(h, 0, 100, name);
      field(h, 100, 8, '0000644');
      field(h, 108, 8, '0000000');
      field(h, 116, 8, '0000000');
      field(h, 124, 12, octal(f.file.size, 12));
      field(h, 136, 12, octal(Math.floor(f.file.lastModified / 1000), 12));
      field(h, 148, 8, '        ');
      h[156] = 48; // '0': a regular file
      field(h, 257, 6, 'ustar');
      field(h, 263, 2, '00');
      field(h, 345, 155, prefix);
      let sum = 0;
      for (const b of h) sum += b;
      field(h, 148, 8, octal(sum, 7) + '\0');
      parts.push(h, new Uint8Array(await f.file.arrayBuffer()), new Uint8Array((512 - f.file.size % 512) % 512));
    }
    parts.push(new Uint8Array(1024));
    return new Blob(parts);
  }

  /** The files of a dropped folder, with their paths inside it. */
  async function walk(entry, prefix, out) {
    if (entry.isFile) {
      const file = await new Promise((ok, fail) => entry.file(ok, fail));
      out.push({path: prefix + entry.name, file});
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      let batch;
      do {
        batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
        for (const e of batch) await walk(e, prefix + entry.name + '/', out);
      } while (batch.length > 0);
    }
  }

  // --- Publishing and releases

  let releases = [];

  async function publish(body, type) {
    const result = $('publish-result');
    result.replaceChildren('Uploading…');
    const before = releases.find(r => r.active);
    try {
      const r = await upload('POST', siteApi + '/releases', body, type, $('publish-progress'));
      const undo = el('button', {type: 'button', class: 'btn btn-link btn-sm p-0 ms-2', id: 'publish-undo'}, 'Undo');
      result.replaceChildren(el('span', {class: 'text-success', id: 'published'},
        'Published release ' + r.id + ' (' + r.files + ' files, ' + size(r.bytes) + ').'));
      if (before) {
        undo.addEventListener('click', () => activate(before.id));
        result.append(undo);
      }
      await loadReleases();
      await browse(folder);
    } catch (e) {
      say(result, 'Not published: ' + e.message, false);
    }
  }

  function archiveType(name) {
    const n = name.toLowerCase();
    if (n.endsWith('.zip')) return 'application/zip';
    if (n.endsWith('.tar')) return 'application/x-tar';
    if (n.endsWith('.tar.gz') || n.endsWith('.tgz')) return 'application/gzip';
    return null;
  }

  async function publishFile(file) {
    const type = archiveType(file.name);
    if (!type) return say($('publish-result'), file.name + ' is not a .zip, .tar or .tar.gz archive', false);
    await publish(file, type);
  }

  async function publishFolder(files) {
    if (files.length === 0) return say($('publish-result'), 'the folder is empty', false);
    await publish(await tar(files), 'application/x-tar');
  }

  $('archive-input').addEventListener('change', e => { if (e.target.files[0]) publishFile(e.target.files[0]); e.target.value = ''; });
  $('folder-input').addEventListener('change', e => {
    // webkitRelativePath starts with the chosen folder's own name: the folder is published as its content.
    publishFolder([...e.target.files].map(file => ({path: file.webkitRelativePath.split('/').slice(1).join('/'), file})));
    e.target.value = '';
  });
  const zone = $('drop-zone');
  zone.addEventListener('dragover', e => { e.preventDefault(); zone.classList.add('dragging'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', async e => {
    e.preventDefault();
    zone.classList.remove('dragging');
    const items = [...e.dataTransfer.items].map(i => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
    if (items.length === 1 && items[0].isFile) return publishFile(e.dataTransfer.files[0]);
    const files = [];
    for (const item of items) {
      if (item.isDirectory && items.length === 1) {
        const inside = [];
        await walk(item, '', inside);
        files.push(...inside.map(f => ({path: f.path.slice(item.name.length + 1), file: f.file})));
      } else {
        await walk(item, '', files);
      }
    }
    await publishFolder(files);
  });

  async function loadReleases() {
    releases = await call('GET', siteApi + '/releases');
    $('release-rows').replaceChildren(...releases.map(r => el('tr', {'data-release': r.id, class: r.active ? 'table-success' : ''},
      el('td', {}, String(r.id)), el('td', {class: 'small'}, when(r.createdAt)), el('td', {}, r.createdBy),
      el('td', {}, r.source), el('td', {class: 'text-end'}, String(r.files)),
      el('td', {class: 'text-end'}, r.active ? el('span', {class: 'badge text-bg-success release-live'}, 'live')
        : el('button', {type: 'button', class: 'btn btn-outline-primary btn-sm release-activate', onclick: () => activate(r.id)}, 'Activate')))));
  }

  async function activate(id) {
    try {
      await call('POST', siteApi + '/releases/' + id + '/activate');
      say($('publish-result'), 'Release ' + id + ' is live.', true);
      await loadReleases();
      await browse(folder);
    } catch (e) {
      say($('publish-result'), 'Not activated: ' + e.message, false);
    }
  }

  // --- The file manager

  let folder = '/';
  const filesApi = path => siteApi + '/files' + path.split('/').map(encodeURIComponent).join('/');
  const join = (dir, name) => (dir.endsWith('/') ? dir : dir + '/') + name;
  const TEXT = /\.(html?|css|js|mjs|json|php|txt|md|xml|svg|csv|ini|htaccess|ya?ml|twig)$/i;

  async function browse(path) {
    try {
      const listing = await call('GET', filesApi(path));
      folder = listing.path;
      const crumbs = [el('li', {class: 'breadcrumb-item'}, el('a', {href: '#', onclick: e => { e.preventDefault(); browse('/'); }}, site))];
      let at = '';
      for (const name of folder.split('/').filter(Boolean)) {
        at += '/' + name;
        const target = at;
        crumbs.push(el('li', {class: 'breadcrumb-item'}, el('a', {href: '#', onclick: e => { e.preventDefault(); browse(target); }}, name)));
      }
      $('file-path').replaceChildren(...crumbs);
      $('file-rows').replaceChildren(...listing.entries.map(row));
      if (listing.entries.length === 0) $('file-rows').append(el('tr', {}, el('td', {colspan: 4, class: 'text-body-secondary'}, 'This folder is empty.')));
    } catch (e) {
      say($('file-message'), e.message, false);
    }
  }

  function row(e) {
    const name = e.type === 'folder'
      ? el('a', {href: '#', class: 'file-open', onclick: ev => { ev.preventDefault(); browse(e.path); }}, e.name + '/')
      : el('span', {}, e.name);
    const actions = el('td', {class: 'text-end text-nowrap'});
    if (e.type === 'file' && TEXT.test(e.name)) actions.append(button('Edit', 'file-edit', () => edit(e.path)));
    if (e.type === 'file') actions.append(el('a', {class: 'btn btn-outline-secondary btn-sm ms-1 file-download', href: filesApi(e.path)}, 'Download'));
    actions.append(button('Rename or move', 'file-move', () => move(e)), button('Delete', 'file-delete', () => remove(e), 'danger'));
    return el('tr', {'data-file': e.path}, el('td', {class: 'font-monospace'}, name),
      el('td', {class: 'text-end small'}, e.type === 'folder' ? '' : size(e.size)), el('td', {class: 'small'}, when(e.modified)), actions);
  }

  function button(text, cls, onclick, kind = 'secondary') {
    return el('button', {type: 'button', class: 'btn btn-outline-' + kind + ' btn-sm ms-1 ' + cls, onclick}, text);
  }

  async function act(work, done) {
    try {
      await work();
      say($('file-message'), done, true);
    } catch (e) {
      say($('file-message'), e.message, false);
    }
    await browse(folder);
  }

  function move(e) {
    const to = prompt('New path of ' + e.path, e.path);
    if (to && to !== e.path) act(() => call('PATCH', filesApi(e.path), JSON.stringify({path: to}), 'application/json'), 'Moved to ' + to + '.');
  }

  function remove(e) {
    if (confirm('Delete ' + e.path + (e.type === 'folder' ? ' and everything in it' : '') + '? Visitors stop seeing it at once.')) {
      act(() => call('DELETE', filesApi(e.path)), 'Deleted ' + e.path + '.');
    }
  }

  $('new-folder').addEventListener('click', () => {
    const name = prompt('Name of the new folder in ' + folder);
    if (name) act(() => call('POST', filesApi(join(folder, name)), JSON.stringify({type: 'folder'}), 'application/json'), 'Folder ' + name + ' made.');
  });
  $('new-file').addEventListener('click', () => {
    const name = prompt('Name of the new file in ' + folder, 'index.html');
    if (name) openEditor(join(folder, name), '');
  });
  $('upload-input').addEventListener('change', async e => {
    const files = [...e.target.files];
    e.target.value = '';
    let done = 0;
    try {
      for (const f of files) {
        await upload('PUT', filesApi(join(folder, f.name)), f, 'application/octet-stream', $('upload-progress'));
        done++;
      }
      say($('file-message'), 'Uploaded ' + done + ' file' + (done === 1 ? '' : 's') + '.', true);
    } catch (err) {
      say($('file-message'), 'Uploaded ' + done + ' of ' + files.length + ': ' + err.message, false);
    }
    await browse(folder);
  });

  // --- The code editor

  const modal = new bootstrap.Modal($('editor'));
  const editor = CodeMirror.fromTextArea($('editor-text'), {lineNumbers: true, indentUnit: 2});
  let editing = null;
  const MODES = {html: 'htmlmixed', htm: 'htmlmixed', css: 'css', js: 'javascript', mjs: 'javascript', json: 'application/json',
    php: 'application/x-httpd-php', xml: 'xml', svg: 'xml'};

  async function edit(path) {
    try {
      const r = await fetch(filesApi(path), {credentials: 'same-origin'});
      if (!r.ok) throw new Error(await problem(r));
      openEditor(path, await r.text());
    } catch (e) {
      say($('file-message'), e.message, false);
    }
  }

  function openEditor(path, text) {
    editing = path;
    $('editor-title').textContent = path;
    $('editor-message').textContent = '';
    editor.setOption('mode', MODES[path.split('.').pop().toLowerCase()] || 'text/plain');
    editor.setValue(text);
    modal.show();
    setTimeout(() => editor.refresh(), 200);
  }

  $('editor-save').addEventListener('click', async () => {
    try {
      await call('PUT', filesApi(editing), editor.getValue(), 'application/octet-stream');
      $('editor-message').replaceChildren(el('span', {class: 'text-success', id: 'editor-saved'}, 'Saved: live now.'));
      await browse(folder);
    } catch (e) {
      $('editor-message').replaceChildren(el('span', {class: 'text-danger'}, e.message));
    }
  });

  // --- Backups

  async function loadBackups() {
    const backups = await call('GET', siteApi + '/backups');
    $('backup-rows').replaceChildren(...(backups.length ? backups.map(b => el('tr', {'data-backup': b.id},
      el('td', {class: 'small'}, when(b.time)), el('td', {class: 'font-monospace small'}, b.id.substring(0, 8)),
      el('td', {class: 'text-end'},
        el('a', {class: 'btn btn-outline-secondary btn-sm backup-download', href: siteApi + '/backups/' + b.id + '/archive'}, 'Download'), ' ',
        el('button', {type: 'button', class: 'btn btn-outline-primary btn-sm backup-copy', onclick: () => copy(b)}, 'Copy to a new site'), ' ',
        el('button', {type: 'button', class: 'btn btn-outline-danger btn-sm backup-restore', onclick: () => restore(b)}, 'Restore'))))
      : [el('tr', {}, el('td', {colspan: 3, class: 'text-body-secondary'}, 'No backup yet.'))]));
  }

  async function backupWork(button, work) {
    button.disabled = true;
    try {
      await work();
    } catch (e) {
      say($('backup-result'), e.message, false);
    } finally {
      button.disabled = false;
    }
  }

  $('backup-now').addEventListener('click', e => backupWork(e.target, async () => {
    say($('backup-result'), 'Backing up…', true);
    const b = await call('POST', siteApi + '/backups');
    say($('backup-result'), 'Backed up: ' + b.id.substring(0, 8) + (b.offsite && b.offsite !== 'copied' ? ' (not copied off-site: ' + b.offsite + ')' : '') + '.', !b.offsite || b.offsite === 'copied');
    await loadBackups();
  }));

  function restore(b) {
    if (!confirm('Put the backup of ' + when(b.time) + ' in place of ' + site + '\'s content and data? What is there now is backed up first.')) return;
    return backupWork($('backup-now'), async () => {
      say($('backup-result'), 'Restoring…', true);
      const r = await call('POST', siteApi + '/backups/' + b.id + '/restore', '{}', 'application/json');
      say($('backup-result'), 'Restored the backup of ' + when(b.time) + (r.before ? '; what was there is backup ' + r.before.substring(0, 8) : '') + '.', true);
      await Promise.all([loadBackups(), loadReleases(), browse(folder)]);
    });
  }

  function copy(b) {
    const to = prompt('Name of the new site, made from the backup of ' + when(b.time) + ':');
    if (!to) return;
    return backupWork($('backup-now'), async () => {
      const r = await call('POST', siteApi + '/backups/' + b.id + '/restore', JSON.stringify({to}), 'application/json');
      $('backup-result').replaceChildren(el('span', {class: 'text-success'}, 'Site ', el('a', {href: '/sites/' + encodeURIComponent(r.site)}, r.site),
        ' made from the backup, stopped: start it on its page.'));
    });
  }

  $('backup-upload').addEventListener('change', e => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file || !confirm('Put the backup in ' + file.name + ' in place of ' + site + '\'s content and data? What is there now is backed up first.')) return;
    backupWork($('backup-now'), async () => {
      await upload('POST', siteApi + '/backups/restore', file, 'application/gzip', $('backup-progress'));
      say($('backup-result'), 'Restored the backup in ' + file.name + '.', true);
      await Promise.all([loadBackups(), loadReleases(), browse(folder)]);
    });
  });

  // --- SFTP and git

  async function sshInfo() {
    const ssh = await call('GET', '/api/v1/ssh');
    const host = location.hostname;
    if (ssh.port < 0) {
      $('sftp-command').textContent = 'SFTP is turned off on this Pier.';
      return;
    }
    $('sftp-command').textContent = 'sftp -P ' + ssh.port + ' ' + user + '@' + host + '\ncd ' + site;
    $('git-command').textContent = 'git push ssh://' + user + '@' + host + ':' + ssh.port + '/' + site + '.git main';
    $('host-key').textContent = 'Host key fingerprint: ' + ssh.hostKeyFingerprint;
  }

  loadReleases().catch(e => say($('publish-result'), e.message, false));
  loadBackups().catch(e => say($('backup-result'), e.message, false));
  browse('/');
  sshInfo().catch(() => {});
})();

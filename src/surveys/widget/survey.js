/*
 * CallPulse post-contact survey widget.
 *
 * Plain ES2019, no dependencies, no build step. Served as /widget/survey.js by
 * src/surveys/widget/routes.ts. The only global it defines is
 * window.CallPulseSurvey (see "Programmatic use").
 *
 * EMBEDDING (one tag; the host below is the CallPulse server):
 *
 *   <script src="//CALLPULSE-HOST/widget/survey.js" data-token="TOKEN" async></script>
 *
 *   data-token          the survey invitation token. Without the attribute the
 *                       script only defines window.CallPulseSurvey.
 *   data-target         optional CSS selector of the element to render into (its
 *                       content is replaced). Default: a new
 *                       <div class="callpulse-survey-host"> right after the script
 *                       tag (appended to <body> when the tag is in <head>).
 *   data-heading-level  optional 1-6, level of the widget's heading (default 2).
 *
 * NETWORK: the script works out its own origin from document.currentScript
 * (captured synchronously at load) and talks only to that origin:
 *   POST <origin>/graphql          JSON, no credentials, no Authorization header
 *   <origin>/widget/survey.css     <link rel="stylesheet"> added to <head> unless
 *                                  a link with that exact href is already there.
 * Nothing else (no fonts, CDNs, analytics). The page's own origin needs CORS on
 * /graphql for this to work when embedded on another origin.
 *
 * PROGRAMMATIC USE:
 *   var handle = window.CallPulseSurvey.mount(element, {
 *     token: 'TOKEN',            // required
 *     endpoint: 'https-URL',     // optional, default <script origin>/graphql
 *     headingLevel: 2            // optional, 1-6
 *   });
 *   handle.element  // the <section class="callpulse-survey">
 *   handle.destroy() // aborts requests and removes the widget
 * mount() replaces the element's content; mounting into the same element again
 * destroys the previous widget first.
 *
 * STABLE DOM CONTRACT (for tests and host pages). P is "callpulse-survey" for
 * the first widget in a document, "callpulse-survey-2", "-3", ... for further
 * ones mounted at the same time. Accessible names are exact; "–" below is
 * U+2013 EN DASH with a space either side, "—" is U+2014, "…" is U+2026.
 *
 *   section.callpulse-survey          region, labelled by the heading
 *   #P-title       hN  "Tell us how we did"   (tabindex=-1; focused on "Try again")
 *   #P-status      role=status aria-live=polite: loading text, load-time final
 *                  messages, "Sending your answers…", error summaries
 *   #P-form        form (novalidate; validation is the script's own)
 *     fieldset #P-csat-group, legend
 *       "How satisfied are you with the service you received? (required)"
 *       radios name=csat  #P-csat-1 .. #P-csat-5, labels
 *         "1 – Very dissatisfied", "2 – Dissatisfied",
 *         "3 – Neither satisfied nor dissatisfied", "4 – Satisfied",
 *         "5 – Very satisfied"
 *     fieldset #P-resolved-group, legend "Was your issue resolved?"
 *       radios name=resolved  #P-resolved-yes "Yes", #P-resolved-no "No"
 *     checkbox name=complaint #P-complaint "Do you want to make a complaint?"
 *       (aria-controls #P-complaint-details, which is hidden until checked)
 *       text input name=complaintCategory #P-complaint-category
 *         "Complaint category" (maxlength 100; hint #P-complaint-category-hint)
 *     fieldset #P-nps-group, legend
 *       "How likely are you to recommend us to a friend or colleague?"
 *       hint #P-nps-hint "0 means not at all likely, 10 means extremely likely."
 *       radios name=nps  #P-nps-0 .. #P-nps-10, labels "0" .. "10"
 *     textarea name=comment #P-comment
 *       "Anything else you would like to tell us?" (maxlength 2000)
 *       counter #P-comment-count "N of 2000 characters used" (aria-describedby)
 *     button type=submit #P-submit "Send" (disabled while posting)
 *   field errors: #P-<field>-error (field = csat, resolved, complaint,
 *     complaint-category, nps, comment), text starting "Error: ", referenced by
 *     the field's aria-describedby, the field gets aria-invalid="true"
 *   #P-message     p tabindex=-1, replaces the form after a submission (or when
 *                  the link turns out expired/unknown on submit); focused
 *   #P-retry       button "Try again" when the status query could not be made
 *
 * MESSAGES (exact text):
 *   loading       "Loading the survey…"
 *   RESPONDED     "Thank you — we have already received your answers for this contact."
 *   EXPIRED       "This survey link has expired."
 *   UNKNOWN       "This survey link is not valid."
 *   load failed   "We could not load the survey. Check your connection and try again."
 *   sending       "Sending your answers…"
 *   sent          "Thank you — your answers have been sent."
 *   csat missing  "Choose how satisfied you are, from 1 to 5." (field error; the
 *                 status reads "There is a problem: " + that message)
 *   bad input     status "There is a problem with your answers:" + list of the
 *                 server's problem messages; each also next to its field
 *   send failed   "We could not send your answers. Check your connection and try again."
 *   other error   "Sorry, something went wrong and your answers were not sent. Please try again."
 */
(function () {
  'use strict';

  // Must be read now: document.currentScript is null once an async script has
  // finished its first synchronous run.
  var currentScript = document.currentScript;

  var PREFIX = 'callpulse-survey';
  var COMMENT_MAX = 2000;
  var CATEGORY_MAX = 100;
  var REQUEST_TIMEOUT_MS = 20000;

  var TEXT = {
    title: 'Tell us how we did',
    loading: 'Loading the survey\u2026',
    responded: 'Thank you \u2014 we have already received your answers for this contact.',
    expired: 'This survey link has expired.',
    invalid: 'This survey link is not valid.',
    loadFailed: 'We could not load the survey. Check your connection and try again.',
    retry: 'Try again',
    csatLegend: 'How satisfied are you with the service you received?',
    required: '(required)',
    csatLabels: ['Very dissatisfied', 'Dissatisfied', 'Neither satisfied nor dissatisfied', 'Satisfied', 'Very satisfied'],
    resolvedLegend: 'Was your issue resolved?',
    yes: 'Yes',
    no: 'No',
    complaint: 'Do you want to make a complaint?',
    category: 'Complaint category',
    categoryHint: 'Optional, up to 100 characters, for example billing, waiting time or staff.',
    npsLegend: 'How likely are you to recommend us to a friend or colleague?',
    npsHint: '0 means not at all likely, 10 means extremely likely.',
    comment: 'Anything else you would like to tell us?',
    counter: function (n) {
      return n + ' of ' + COMMENT_MAX + ' characters used';
    },
    submit: 'Send',
    sending: 'Sending your answers\u2026',
    sent: 'Thank you \u2014 your answers have been sent.',
    errorPrefix: 'Error: ',
    problemPrefix: 'There is a problem: ',
    csatMissing: 'Choose how satisfied you are, from 1 to 5.',
    badInput: 'There is a problem with your answers:',
    sendFailed: 'We could not send your answers. Check your connection and try again.',
    failed: 'Sorry, something went wrong and your answers were not sent. Please try again.',
  };

  var STATUS_QUERY = 'query SurveyInvitationStatus($token: String!) { surveyInvitationStatus(token: $token) }';
  var SUBMIT_MUTATION =
    'mutation SubmitSurveyResponse($input: SurveyResponseInput!) { submitSurveyResponse(input: $input) { id submittedAt } }';

  // Input field name (as the server names it in extensions.problems[].field) →
  // id suffix of the field's elements.
  var FIELDS = {
    csat: 'csat',
    resolved: 'resolved',
    complaint: 'complaint',
    complaintCategory: 'complaint-category',
    nps: 'nps',
    comment: 'comment',
  };

  var scriptSrc = currentScript && currentScript.src ? currentScript.src : findScriptSrc();
  var scriptOrigin = originOf(scriptSrc);
  var mounted = typeof WeakMap === 'function' ? new WeakMap() : null;

  function findScriptSrc() {
    // Fallback for environments without currentScript: the last script whose
    // path is /widget/survey.js.
    var scripts = document.getElementsByTagName('script');
    for (var i = scripts.length - 1; i >= 0; i -= 1) {
      var src = scripts[i].src;
      if (src && /\/widget\/survey\.js(?:[?#]|$)/.test(src)) return src;
    }
    return '';
  }

  function originOf(url) {
    if (!url) return '';
    try {
      var origin = new URL(url, document.baseURI).origin;
      return origin && origin !== 'null' ? origin : '';
    } catch (e) {
      return '';
    }
  }

  // ---------------------------------------------------------------- DOM helpers

  /** Creates an element. attrs: attribute values (true → empty attribute, false/null/undefined → absent); attrs.text → textContent. */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === 'text') node.textContent = String(value);
        else node.setAttribute(key, value === true ? '' : String(value));
      });
    }
    if (children) append(node, children);
    return node;
  }

  function append(node, children) {
    children.forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function addToken(node, attribute, value) {
    var tokens = (node.getAttribute(attribute) || '').split(/\s+/).filter(Boolean);
    if (tokens.indexOf(value) < 0) tokens.push(value);
    node.setAttribute(attribute, tokens.join(' '));
  }

  function removeToken(node, attribute, value) {
    var tokens = (node.getAttribute(attribute) || '').split(/\s+/).filter(function (t) {
      return t && t !== value;
    });
    if (tokens.length) node.setAttribute(attribute, tokens.join(' '));
    else node.removeAttribute(attribute);
  }

  function stylesheetHref(endpoint) {
    var origin = scriptOrigin || originOf(endpoint);
    return origin ? origin + '/widget/survey.css' : '';
  }

  function ensureStylesheet(href) {
    if (!href) return;
    var links = document.getElementsByTagName('link');
    for (var i = 0; i < links.length; i += 1) {
      if (links[i].href === href) return;
    }
    var link = el('link', { rel: 'stylesheet', href: href, 'data-callpulse-survey': true });
    (document.head || document.documentElement).appendChild(link);
  }

  function pickPrefix() {
    for (var n = 1; ; n += 1) {
      var prefix = n === 1 ? PREFIX : PREFIX + '-' + n;
      if (!document.getElementById(prefix + '-title')) return prefix;
    }
  }

  function headingLevel(value) {
    var level = parseInt(value, 10);
    return level >= 1 && level <= 6 ? level : 2;
  }

  // ------------------------------------------------------------------- network

  /**
   * POSTs a GraphQL request. Resolves with the parsed GraphQL response
   * ({data, errors}) whatever the HTTP status; rejects when there is none
   * (network failure, timeout, non-GraphQL answer).
   */
  function graphql(endpoint, query, variables, abortSignals) {
    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = null;
    if (controller) {
      abortSignals.push(controller);
      timer = setTimeout(function () {
        controller.abort();
      }, REQUEST_TIMEOUT_MS);
    }
    return fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query: query, variables: variables }),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        return response.json().then(
          function (body) {
            if (!body || typeof body !== 'object' || (!('data' in body) && !Array.isArray(body.errors))) {
              throw new Error('Not a GraphQL response (HTTP ' + response.status + ')');
            }
            return body;
          },
          function () {
            throw new Error('Not a GraphQL response (HTTP ' + response.status + ')');
          },
        );
      })
      .then(
        function (body) {
          if (timer) clearTimeout(timer);
          return body;
        },
        function (error) {
          if (timer) clearTimeout(timer);
          throw error;
        },
      );
  }

  function errorsOf(result) {
    return result && Array.isArray(result.errors) ? result.errors : [];
  }

  function extensionsOf(error) {
    return error && error.extensions && typeof error.extensions === 'object' ? error.extensions : {};
  }

  /** 'EXPIRED' | 'UNKNOWN' | null, from FORBIDDEN errors. */
  function forbiddenState(errors) {
    for (var i = 0; i < errors.length; i += 1) {
      var ext = extensionsOf(errors[i]);
      if (ext.code !== 'FORBIDDEN') continue;
      if (ext.reason === 'EXPIRED') return 'EXPIRED';
      if (ext.reason === 'UNKNOWN_TOKEN') return 'UNKNOWN';
    }
    return null;
  }

  // -------------------------------------------------------------------- widget

  function createWidget(host, token, endpoint, level) {
    clear(host);
    var prefix = pickPrefix();
    var id = function (name) {
      return prefix + '-' + name;
    };
    var destroyed = false;
    var posting = false;
    var requests = [];
    var fields = {};
    var form = null;
    var submitButton = null;

    var title = el('h' + level, { id: id('title'), class: 'callpulse-survey__title', tabindex: '-1', text: TEXT.title });
    var body = el('div', { class: 'callpulse-survey__body' });
    var status = el('div', {
      id: id('status'),
      class: 'callpulse-survey__status',
      role: 'status',
      'aria-live': 'polite',
    });
    var root = el('section', { class: 'callpulse-survey', 'aria-labelledby': id('title') }, [title, body, status]);
    host.appendChild(root);

    function setStatus(content, kind) {
      clear(status);
      status.className = 'callpulse-survey__status' + (kind ? ' callpulse-survey__status--' + kind : '');
      if (content === null || content === undefined || content === '') return;
      if (typeof content === 'string') status.appendChild(el('p', { text: content }));
      else status.appendChild(content);
    }

    // ---- loading the invitation status

    function load() {
      clear(body);
      form = null;
      setStatus(TEXT.loading, 'info');
      if (!token) {
        setStatus(TEXT.invalid, 'info');
        return;
      }
      graphql(endpoint, STATUS_QUERY, { token: token }, requests).then(
        function (result) {
          if (destroyed) return;
          var data = result.data;
          var state = data && typeof data.surveyInvitationStatus === 'string' ? data.surveyInvitationStatus : null;
          if (!state) state = forbiddenState(errorsOf(result));
          if (state === 'OPEN') showForm();
          else if (state === 'RESPONDED') setStatus(TEXT.responded, 'info');
          else if (state === 'EXPIRED') setStatus(TEXT.expired, 'info');
          else if (state) setStatus(TEXT.invalid, 'info'); // UNKNOWN, or a value this script does not know
          else showLoadFailure();
        },
        function () {
          if (!destroyed) showLoadFailure();
        },
      );
    }

    function showLoadFailure() {
      clear(body);
      var retry = el('button', { type: 'button', id: id('retry'), class: 'callpulse-survey__button', text: TEXT.retry });
      retry.addEventListener('click', function () {
        title.focus();
        load();
      });
      body.appendChild(retry);
      setStatus(TEXT.loadFailed, 'error');
    }

    /** Replaces the form with a final message and moves focus to it. */
    function showFinalMessage(text) {
      clear(body);
      form = null;
      setStatus('', null);
      var message = el('p', { id: id('message'), class: 'callpulse-survey__message', tabindex: '-1', text: text });
      body.appendChild(message);
      message.focus();
    }

    // ---- the form

    function errorElement(key) {
      return el('p', { id: id(FIELDS[key] + '-error'), class: 'callpulse-survey__error', hidden: true });
    }

    function radioGroup(key, legendChildren, options, extra) {
      var hint = extra && extra.hint ? el('p', { id: id(FIELDS[key] + '-hint'), class: 'callpulse-survey__hint', text: extra.hint }) : null;
      var error = errorElement(key);
      var inputs = [];
      var list = el('div', { class: 'callpulse-survey__options callpulse-survey__options--' + extra.layout });
      options.forEach(function (option) {
        var inputId = id(FIELDS[key] + '-' + option.id);
        var input = el('input', {
          type: 'radio',
          id: inputId,
          name: key,
          value: option.value,
          required: !!extra.required,
          'aria-describedby': hint ? hint.id : null,
        });
        inputs.push(input);
        list.appendChild(
          el('div', { class: 'callpulse-survey__option' }, [input, el('label', { for: inputId, text: option.label })]),
        );
      });
      var fieldset = el('fieldset', { id: id(FIELDS[key] + '-group'), class: 'callpulse-survey__field' }, [
        el('legend', { class: 'callpulse-survey__legend' }, legendChildren),
        hint,
        error,
        list,
      ]);
      fields[key] = { container: fieldset, error: error, controls: inputs };
      return fieldset;
    }

    function buildForm() {
      var csatOptions = TEXT.csatLabels.map(function (label, i) {
        var n = String(i + 1);
        return { id: n, value: n, label: n + ' \u2013 ' + label };
      });
      var csat = radioGroup(
        'csat',
        [TEXT.csatLegend + ' ', el('span', { class: 'callpulse-survey__required', text: TEXT.required })],
        csatOptions,
        { layout: 'stack', required: true },
      );

      var resolved = radioGroup(
        'resolved',
        [TEXT.resolvedLegend],
        [
          { id: 'yes', value: 'true', label: TEXT.yes },
          { id: 'no', value: 'false', label: TEXT.no },
        ],
        { layout: 'inline' },
      );

      var complaintBox = el('input', {
        type: 'checkbox',
        id: id('complaint'),
        name: 'complaint',
        value: 'true',
        'aria-controls': id('complaint-details'),
      });
      var complaintError = errorElement('complaint');
      var categoryHint = el('p', { id: id('complaint-category-hint'), class: 'callpulse-survey__hint', text: TEXT.categoryHint });
      var categoryError = errorElement('complaintCategory');
      var category = el('input', {
        type: 'text',
        id: id('complaint-category'),
        name: 'complaintCategory',
        maxlength: CATEGORY_MAX,
        autocomplete: 'off',
        class: 'callpulse-survey__input',
        'aria-describedby': categoryHint.id,
      });
      var details = el('div', { id: id('complaint-details'), class: 'callpulse-survey__details', hidden: true }, [
        el('label', { for: category.id, class: 'callpulse-survey__label', text: TEXT.category }),
        categoryHint,
        categoryError,
        category,
      ]);
      complaintBox.addEventListener('change', function () {
        details.hidden = !complaintBox.checked;
      });
      var complaint = el('div', { class: 'callpulse-survey__field' }, [
        complaintError,
        el('div', { class: 'callpulse-survey__option' }, [
          complaintBox,
          el('label', { for: complaintBox.id, text: TEXT.complaint }),
        ]),
        details,
      ]);
      fields.complaint = { container: complaint, error: complaintError, controls: [complaintBox] };
      fields.complaintCategory = { container: details, error: categoryError, controls: [category] };

      var npsOptions = [];
      for (var n = 0; n <= 10; n += 1) npsOptions.push({ id: String(n), value: String(n), label: String(n) });
      var nps = radioGroup('nps', [TEXT.npsLegend], npsOptions, { layout: 'scale', hint: TEXT.npsHint });

      var commentError = errorElement('comment');
      var counter = el('p', { id: id('comment-count'), class: 'callpulse-survey__hint', text: TEXT.counter(0) });
      var comment = el('textarea', {
        id: id('comment'),
        name: 'comment',
        rows: '4',
        maxlength: COMMENT_MAX,
        class: 'callpulse-survey__input',
        'aria-describedby': counter.id,
      });
      comment.addEventListener('input', function () {
        counter.textContent = TEXT.counter(comment.value.length);
      });
      var commentField = el('div', { class: 'callpulse-survey__field' }, [
        el('label', { for: comment.id, class: 'callpulse-survey__label', text: TEXT.comment }),
        commentError,
        comment,
        counter,
      ]);
      fields.comment = { container: commentField, error: commentError, controls: [comment] };

      submitButton = el('button', { type: 'submit', id: id('submit'), class: 'callpulse-survey__button', text: TEXT.submit });

      var built = el('form', { id: id('form'), class: 'callpulse-survey__form', novalidate: true }, [
        csat,
        resolved,
        complaint,
        nps,
        commentField,
        el('div', { class: 'callpulse-survey__actions' }, [submitButton]),
      ]);
      built.addEventListener('submit', function (event) {
        event.preventDefault();
        if (!posting) submit();
      });
      return built;
    }

    function showForm() {
      clear(body);
      fields = {};
      form = buildForm();
      body.appendChild(form);
      setStatus('', null);
    }

    function checkedValue(name) {
      var inputs = fields[name].controls;
      for (var i = 0; i < inputs.length; i += 1) if (inputs[i].checked) return inputs[i].value;
      return null;
    }

    /** The mutation input, from what the user entered (not trimmed: the server trims). */
    function collect() {
      var input = { token: token };
      var csat = checkedValue('csat');
      if (csat !== null) input.csat = parseInt(csat, 10);
      var resolved = checkedValue('resolved');
      if (resolved !== null) input.resolved = resolved === 'true';
      var complaint = fields.complaint.controls[0].checked;
      input.complaint = complaint;
      var category = fields.complaintCategory.controls[0].value;
      if (complaint && category !== '') input.complaintCategory = category;
      var nps = checkedValue('nps');
      if (nps !== null) input.nps = parseInt(nps, 10);
      var comment = fields.comment.controls[0].value;
      if (comment !== '') input.comment = comment;
      return input;
    }

    function clearErrors() {
      Object.keys(fields).forEach(function (key) {
        var field = fields[key];
        field.error.hidden = true;
        clear(field.error);
        field.container.classList.remove('callpulse-survey__field--error');
        field.controls.forEach(function (control) {
          control.removeAttribute('aria-invalid');
          removeToken(control, 'aria-describedby', field.error.id);
        });
      });
    }

    function showFieldError(key, messages) {
      var field = fields[key];
      clear(field.error);
      field.error.appendChild(el('span', { class: 'callpulse-survey__error-prefix', text: TEXT.errorPrefix }));
      field.error.appendChild(document.createTextNode(messages.join(' ')));
      field.error.hidden = false;
      field.container.classList.add('callpulse-survey__field--error');
      if (key === 'complaintCategory') {
        fields.complaint.controls[0].checked = true;
        fields.complaintCategory.container.hidden = false;
      }
      field.controls.forEach(function (control) {
        control.setAttribute('aria-invalid', 'true');
        addToken(control, 'aria-describedby', field.error.id);
      });
    }

    function focusField(key) {
      var controls = fields[key].controls;
      var target = controls[0];
      for (var i = 0; i < controls.length; i += 1) {
        if (controls[i].checked) target = controls[i];
      }
      target.focus();
    }

    function fieldOfProblem(problem) {
      if (!problem || typeof problem.field !== 'string') return null;
      var parts = problem.field.split('.');
      var name = parts[parts.length - 1];
      return Object.prototype.hasOwnProperty.call(FIELDS, name) ? name : name === 'token' ? 'token' : null;
    }

    function setBusy(busy) {
      posting = busy;
      if (submitButton) submitButton.disabled = busy;
      if (form) {
        if (busy) form.setAttribute('aria-busy', 'true');
        else form.removeAttribute('aria-busy');
      }
    }

    function submit() {
      clearErrors();
      var input = collect();
      if (input.csat === undefined) {
        showFieldError('csat', [TEXT.csatMissing]);
        setStatus(TEXT.problemPrefix + TEXT.csatMissing, 'error');
        focusField('csat');
        return;
      }
      setBusy(true);
      setStatus(TEXT.sending, 'info');
      graphql(endpoint, SUBMIT_MUTATION, { input: input }, requests).then(
        function (result) {
          if (destroyed) return;
          setBusy(false);
          handleSubmitResult(result);
        },
        function () {
          if (destroyed) return;
          setBusy(false);
          setStatus(TEXT.sendFailed, 'error');
          submitButton.focus();
        },
      );
    }

    function handleSubmitResult(result) {
      if (result.data && result.data.submitSurveyResponse) {
        showFinalMessage(TEXT.sent);
        return;
      }
      var errors = errorsOf(result);
      var state = forbiddenState(errors);
      if (state === 'EXPIRED') return showFinalMessage(TEXT.expired);
      if (state === 'UNKNOWN') return showFinalMessage(TEXT.invalid);

      var byField = {};
      var order = [];
      var unplaced = [];
      var badInput = false;
      errors.forEach(function (error) {
        var ext = extensionsOf(error);
        if (ext.code !== 'BAD_USER_INPUT') return;
        badInput = true;
        var problems = Array.isArray(ext.problems) ? ext.problems : [];
        if (!problems.length && typeof error.message === 'string') unplaced.push(error.message);
        problems.forEach(function (problem) {
          var message = problem && typeof problem.message === 'string' ? problem.message : '';
          if (!message) return;
          var key = fieldOfProblem(problem);
          if (key === 'token') {
            state = 'UNKNOWN';
          } else if (key) {
            if (!byField[key]) {
              byField[key] = [];
              order.push(key);
            }
            byField[key].push(message);
          } else {
            unplaced.push(message);
          }
        });
      });
      if (state === 'UNKNOWN') return showFinalMessage(TEXT.invalid);
      if (!badInput) {
        setStatus(TEXT.failed, 'error');
        submitButton.focus();
        return;
      }

      var list = el('ul');
      order.forEach(function (key) {
        showFieldError(key, byField[key]);
        byField[key].forEach(function (message) {
          list.appendChild(el('li', { text: message }));
        });
      });
      unplaced.forEach(function (message) {
        list.appendChild(el('li', { text: message }));
      });
      var summary = el('div', null, [el('p', { text: TEXT.badInput }), list]);
      setStatus(summary, 'error');
      // Fields in form order, so focus lands on the first one with an error.
      var first = Object.keys(FIELDS).filter(function (key) {
        return byField[key];
      })[0];
      if (first) focusField(first);
      else submitButton.focus();
    }

    function destroy() {
      if (destroyed) return;
      destroyed = true;
      requests.forEach(function (controller) {
        try {
          controller.abort();
        } catch (e) {
          /* already settled */
        }
      });
      if (root.parentNode) root.parentNode.removeChild(root);
      if (mounted && mounted.get(host) === handle) mounted.delete(host);
    }

    var handle = { element: root, destroy: destroy };
    load();
    return handle;
  }

  // ---------------------------------------------------------------- public API

  function mount(element, options) {
    if (!element || element.nodeType !== 1) throw new TypeError('CallPulseSurvey.mount: element must be a DOM element');
    options = options || {};
    var token = typeof options.token === 'string' ? options.token : '';
    var endpoint = options.endpoint ? String(options.endpoint) : scriptOrigin ? scriptOrigin + '/graphql' : '';
    if (!endpoint) throw new Error('CallPulseSurvey.mount: no endpoint given and the script origin is unknown');
    if (mounted) {
      var previous = mounted.get(element);
      if (previous) previous.destroy();
    }
    ensureStylesheet(stylesheetHref(endpoint));
    var handle = createWidget(element, token, endpoint, headingLevel(options.headingLevel));
    if (mounted) mounted.set(element, handle);
    return handle;
  }

  if (!window.CallPulseSurvey) {
    window.CallPulseSurvey = Object.freeze({ mount: mount });
  }

  // ---------------------------------------------------------------- auto-mount

  function autoMount(script) {
    var token = script.getAttribute('data-token');
    if (token === null) return; // loaded for window.CallPulseSurvey only
    var selector = script.getAttribute('data-target');
    var level = script.getAttribute('data-heading-level');

    function whenParsed() {
      document.addEventListener('DOMContentLoaded', run, { once: true });
    }

    function run() {
      var target = null;
      if (selector) {
        try {
          target = document.querySelector(selector);
        } catch (e) {
          target = null;
        }
        if (!target && document.readyState === 'loading') return whenParsed();
        if (!target && window.console) {
          window.console.warn('CallPulse survey: no element matches data-target; rendering after the script tag.');
        }
      }
      if (!target) {
        var parent = script.parentNode;
        var inHead = !parent || parent === document.head || parent === document.documentElement || parent.nodeType !== 1;
        if (inHead && !document.body) return whenParsed();
        target = el('div', { class: 'callpulse-survey-host' });
        if (inHead) document.body.appendChild(target);
        else parent.insertBefore(target, script.nextSibling);
      }
      mount(target, { token: token, headingLevel: level });
    }

    run();
  }

  if (currentScript) autoMount(currentScript);
})();

/**
 * Gitea webhook payloads as Gitea writes them (modules/structs/hook.go: `JSONPayload` is
 * `json.MarshalIndent(payload, "", "  ")`, fields in struct order), each naming where it
 * comes from in go-gitea/gitea. Gitea's encoder also writes every field a struct leaves
 * at its zero value; the payloads built from services/webhook/general_test.go keep only
 * the fields those tests set, which is all the receiver reads.
 */
export interface GiteaPayload {
  /** X-Gitea-Event (what Gitea's HookEventType.Event() returns; "" for a few types). */
  readonly event: string;
  /** X-Gitea-Event-Type. */
  readonly eventType: string;
  readonly body: string;
  readonly from: string;
}

/**
 * docs/content/usage/webhooks.en-us.md, "Event information": the documented push, without
 * its `secret` member (deprecated in Gitea 1.13, removed in 1.14, go-gitea/gitea#11755).
 */
export const giteaPush: GiteaPayload = {
  event: "push",
  eventType: "push",
  from: "go-gitea/gitea docs/content/usage/webhooks.en-us.md (Event information)",
  body: `{
  "ref": "refs/heads/develop",
  "before": "28e1879d029cb852e4844d9c718537df08844e03",
  "after": "bffeb74224043ba2feb48d137756c8a9331c449a",
  "compare_url": "http://localhost:3000/gitea/webhooks/compare/28e1879d029cb852e4844d9c718537df08844e03...bffeb74224043ba2feb48d137756c8a9331c449a",
  "commits": [
    {
      "id": "bffeb74224043ba2feb48d137756c8a9331c449a",
      "message": "Webhooks Yay!",
      "url": "http://localhost:3000/gitea/webhooks/commit/bffeb74224043ba2feb48d137756c8a9331c449a",
      "author": {
        "name": "Gitea",
        "email": "someone@gitea.io",
        "username": "gitea"
      },
      "committer": {
        "name": "Gitea",
        "email": "someone@gitea.io",
        "username": "gitea"
      },
      "timestamp": "2017-03-13T13:52:11-04:00"
    }
  ],
  "repository": {
    "id": 140,
    "owner": {
      "id": 1,
      "login": "gitea",
      "full_name": "Gitea",
      "email": "someone@gitea.io",
      "avatar_url": "https://localhost:3000/avatars/1",
      "username": "gitea"
    },
    "name": "webhooks",
    "full_name": "gitea/webhooks",
    "description": "",
    "private": false,
    "fork": false,
    "html_url": "http://localhost:3000/gitea/webhooks",
    "ssh_url": "ssh://gitea@localhost:2222/gitea/webhooks.git",
    "clone_url": "http://localhost:3000/gitea/webhooks.git",
    "website": "",
    "stars_count": 0,
    "forks_count": 1,
    "watchers_count": 1,
    "open_issues_count": 7,
    "default_branch": "master",
    "created_at": "2017-02-26T04:29:06-05:00",
    "updated_at": "2017-03-13T13:51:58-04:00"
  },
  "pusher": {
    "id": 1,
    "login": "gitea",
    "full_name": "Gitea",
    "email": "someone@gitea.io",
    "avatar_url": "https://localhost:3000/avatars/1",
    "username": "gitea"
  },
  "sender": {
    "id": 1,
    "login": "gitea",
    "full_name": "Gitea",
    "email": "someone@gitea.io",
    "avatar_url": "https://localhost:3000/avatars/1",
    "username": "gitea"
  }
}`,
};

// modules/structs/user.go: UserName is written as "login", and again as "username" (MarshalJSON)
const user1 = `{
    "login": "user1",
    "avatar_url": "http://localhost:3000/user1/avatar",
    "username": "user1"
  }`;
const repository = `{
    "full_name": "test/repo",
    "html_url": "http://localhost:3000/test/repo",
    "name": "repo"
  }`;

/** services/webhook/general_test.go, issueTestPayload, with action "opened" (IssuePayload). */
export const giteaIssueOpened: GiteaPayload = {
  event: "issues",
  eventType: "issues",
  from: "go-gitea/gitea services/webhook/general_test.go issueTestPayload (modules/structs/hook.go IssuePayload)",
  body: `{
  "action": "opened",
  "number": 2,
  "issue": {
    "id": 2,
    "url": "http://localhost:3000/api/v1/repos/test/repo/issues/2",
    "html_url": "http://localhost:3000/test/repo/issues/2",
    "number": 2,
    "user": ${user1.replaceAll("\n", "\n  ")},
    "title": "crash",
    "body": "issue body",
    "milestone": {
      "id": 1,
      "title": "Milestone Title",
      "description": "Milestone Description"
    },
    "assignees": [
      ${user1.replaceAll("\n", "\n    ")}
    ],
    "pull_request": null
  },
  "repository": ${repository},
  "sender": ${user1},
  "commit_id": ""
}`,
};

/** services/webhook/general_test.go, pullRequestTestPayload (PullRequestPayload, action "opened"). */
export const giteaPullRequestOpened: GiteaPayload = {
  event: "pull_request",
  eventType: "pull_request",
  from: "go-gitea/gitea services/webhook/general_test.go pullRequestTestPayload (modules/structs/hook.go PullRequestPayload)",
  body: `{
  "action": "opened",
  "number": 12,
  "pull_request": {
    "id": 12,
    "url": "http://localhost:3000/test/repo/pulls/12",
    "number": 12,
    "user": ${user1.replaceAll("\n", "\n  ")},
    "title": "Fix bug",
    "body": "fixes bug #2",
    "milestone": {
      "id": 1,
      "title": "Milestone Title",
      "description": "Milestone Description"
    },
    "assignees": [
      ${user1.replaceAll("\n", "\n    ")}
    ],
    "html_url": "http://localhost:3000/test/repo/pulls/12",
    "mergeable": true
  },
  "requested_reviewer": null,
  "repository": ${repository},
  "sender": ${user1},
  "commit_id": "",
  "review": {
    "type": "",
    "content": "good job"
  }
}`,
};

/**
 * services/webhook/general_test.go, pullRequestCommentTestPayload: a comment on pull
 * request 12 (IssueCommentPayload with is_pull), which Gitea sends as X-Gitea-Event
 * issue_comment, X-Gitea-Event-Type pull_request_comment.
 */
export const giteaPullRequestComment: GiteaPayload = {
  event: "issue_comment",
  eventType: "pull_request_comment",
  from: "go-gitea/gitea services/webhook/general_test.go pullRequestCommentTestPayload (modules/structs/hook.go IssueCommentPayload)",
  body: `{
  "action": "created",
  "issue": {
    "id": 12,
    "url": "http://localhost:3000/api/v1/repos/test/repo/pulls/12",
    "html_url": "http://localhost:3000/test/repo/pulls/12",
    "number": 12,
    "user": ${user1.replaceAll("\n", "\n  ")},
    "title": "Fix bug",
    "body": "fixes bug #2"
  },
  "comment": {
    "html_url": "http://localhost:3000/test/repo/pulls/12#issuecomment-4",
    "pull_request_url": "http://localhost:3000/test/repo/pulls/12",
    "body": "changes requested"
  },
  "repository": ${repository},
  "sender": ${user1},
  "is_pull": true
}`,
};

/**
 * services/webhook/general_test.go, packageTestPayload: an organization's package, no
 * repository (PackagePayload); Gitea's HookEventType.Event() has no name for it, so
 * X-Gitea-Event is empty and only X-Gitea-Event-Type says "package".
 */
export const giteaPackageCreated: GiteaPayload = {
  event: "",
  eventType: "package",
  from: "go-gitea/gitea services/webhook/general_test.go packageTestPayload (modules/structs/hook.go PackagePayload)",
  body: `{
  "action": "created",
  "repository": null,
  "package": {
    "owner": ${user1.replaceAll("\n", "\n  ")},
    "repository": null,
    "creator": ${user1.replaceAll("\n", "\n  ")},
    "type": "container",
    "name": "GiteaContainer",
    "version": "latest",
    "html_url": "http://localhost:3000/user1/-/packages/container/GiteaContainer/latest"
  },
  "organization": {
    "name": "org1",
    "avatar_url": "http://localhost:3000/org1/avatar"
  },
  "sender": ${user1}
}`,
};

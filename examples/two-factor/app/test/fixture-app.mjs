// An application in memory with three users; every password is "correct horse battery staple".
import { hashPassword } from '../src/passwords.mjs';
import { openApp } from '../src/app.mjs';
import { openUserStore } from '../src/users.mjs';

export const PASSWORD = 'correct horse battery staple';
const hash = await hashPassword(PASSWORD);

export function fixtureApp({ now } = {}) {
  const table = {
    migrations: ['001_create_users'],
    columns: ['id', 'username', 'password_hash', 'role', 'created_at'],
    rows: [
      { id: 1, username: 'alice', password_hash: hash, role: 'admin', created_at: '2023-01-10T09:00:00Z' },
      { id: 2, username: 'bob', password_hash: hash, role: 'member', created_at: '2023-02-11T10:00:00Z' },
      { id: 3, username: 'carol', password_hash: hash, role: 'member', created_at: '2023-03-12T11:00:00Z' },
    ],
  };
  return openApp({ users: openUserStore(null, table), ...(now ? { now } : {}) });
}

import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress, normalizeAddress } from '../../../src/platform/client-address';

describe('clientAddress', () => {
  describe('without TRUST_PROXY', () => {
    it('is the TCP peer, whatever X-Forwarded-For says', () => {
      expect(clientAddress('203.0.113.7', '198.51.100.1', false)).toBe('203.0.113.7');
    });

    it('reads an IPv4-mapped IPv6 peer as IPv4', () => {
      expect(clientAddress('::ffff:203.0.113.7', undefined, false)).toBe('203.0.113.7');
    });

    it('names a peer that has no address "unknown"', () => {
      expect(clientAddress(undefined, undefined, false)).toBe('unknown');
    });
  });

  describe('with TRUST_PROXY', () => {
    it('is the hop the proxy appended, not the ones the client wrote before it', () => {
      expect(clientAddress('10.0.0.2', '1.1.1.1, 198.51.100.9', true)).toBe('198.51.100.9');
    });

    it('skips the proxies of the operator network (loopback, private, link local, unique local)', () => {
      expect(clientAddress('127.0.0.1', '6.6.6.6, 198.51.100.9, 10.1.2.3, 172.16.0.1, 192.168.1.1', true)).toBe('198.51.100.9');
      expect(clientAddress('::1', '2001:db8::1, fd00::5, fe80::1', true)).toBe('2001:db8::1');
    });

    it('is the first hop when every hop is inside the network', () => {
      expect(clientAddress('10.0.0.2', '192.168.4.4, 10.0.0.9', true)).toBe('192.168.4.4');
    });

    it('reads several X-Forwarded-For headers as one list', () => {
      expect(clientAddress('10.0.0.2', ['6.6.6.6', '198.51.100.9, 10.0.0.3'], true)).toBe('198.51.100.9');
    });

    it('keeps the peer when the header is missing, empty or unreadable where it matters', () => {
      expect(clientAddress('10.0.0.2', undefined, true)).toBe('10.0.0.2');
      expect(clientAddress('10.0.0.2', '', true)).toBe('10.0.0.2');
      expect(clientAddress('10.0.0.2', '198.51.100.9, not-an-address', true)).toBe('10.0.0.2');
    });

    it('never reads garbage left of the client hop', () => {
      expect(clientAddress('10.0.0.2', 'garbage, 198.51.100.9', true)).toBe('198.51.100.9');
    });

    it('drops ports and brackets that some proxies write', () => {
      expect(clientAddress('10.0.0.2', '198.51.100.9:52311', true)).toBe('198.51.100.9');
      expect(clientAddress('10.0.0.2', '[2001:DB8::7]:443', true)).toBe('2001:db8::7');
    });
  });
});

describe('normalizeAddress', () => {
  it('refuses what is not an IP address', () => {
    expect(normalizeAddress('example.com')).toBeNull();
    expect(normalizeAddress('999.1.1.1')).toBeNull();
    expect(normalizeAddress('')).toBeNull();
  });
});

describe('addressKey', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv6 address under its /64 network, however it is written', () => {
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('2001:db8:1:2::10.0.0.1')).toBe('2001:db8:1:2::/64');
  });

  it('leaves a name that is no address alone', () => {
    expect(addressKey('unknown')).toBe('unknown');
  });
});
